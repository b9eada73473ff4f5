import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { signToken } from '../../functions/kit/jwt';
import { adminToken, client, uniqueEmail, type Call } from '../helpers/http';
import { testPlatform } from '../helpers/platform';
import { eventually } from '../helpers/eventually';

/** The purchase journey and the stock saga, through Nginx, the gateway, every service and the broker. */
const e2e = suite('end to end: commerce');
let call: Call;
let admin: string;
let france: number;

/** A customer without going through register (whose per-IP limit a load test would hit). */
let nextCustomer = 700_000 + Math.floor(Math.random() * 100_000);
const customerToken = () => signToken({ id: ++nextCustomer, email: `c${nextCustomer}@example.com`, roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token;

async function newProduct(stock: number, price = '10.00') {
  const vat = (await call('GET', '/api/v1/products/vat')).body.data.find((v: { rate: string }) => Number(v.rate) === 20);
  const type = await call('POST', '/api/v1/products/admin/types', { token: admin, body: { name: `Type ${randomUUID().slice(0, 8)}`, vat_id: vat.id } });
  assert.is(type.status, 201, type.text);
  const product = await call('POST', '/api/v1/products/admin/products', {
    token: admin, body: { name: `Widget ${randomUUID().slice(0, 8)}`, ref: `W-${randomUUID().slice(0, 12)}`, price_ht: price, stock, type_ids: [type.body.id] },
  });
  assert.is(product.status, 201, product.text);
  return product.body as { id: number };
}

async function addressFor(token: string) {
  const res = await call('POST', '/api/v1/addresses/addresses', {
    token, body: { type: 'both', first_name: 'Ada', last_name: 'Lovelace', address_line_1: '1 rue de Rivoli', city: 'Paris', postal_code: '75001', country_id: france },
  });
  assert.is(res.status, 201, res.text);
  return res.body.id as number;
}

/** The basket learns products from events: wait until it knows this one. */
async function addToBasket(token: string, productId: number, quantity = 1) {
  return eventually(() => call('POST', '/api/v1/baskets/baskets/items', { token, body: { product_id: productId, quantity } }), (r) => r.status !== 422, 'the basket read model');
}

const orderOf = (token: string, id: number) => call('GET', `/api/v1/orders/orders/${id}`, { token });

e2e.before(async () => {
  const platform = await testPlatform();
  call = client(platform.urls.nginx);
  admin = await adminToken(call);
  const countries = await call('GET', '/api/v1/addresses/countries?per_page=100');
  france = countries.body.data.find((c: { code: string }) => c.code === 'FR').id;
});

e2e('register → browse → basket → promo → address → order → confirmed → delivery → track → shipped → delivered', async () => {
  const product = await newProduct(5, '19.90');
  const user = { firstname: 'Jo', lastname: 'Buyer', email: uniqueEmail('journey'), password: 'a good password' };
  const { token } = (await call('POST', '/api/v1/auth/register', { body: user })).body;
  const listed = await call('GET', `/api/v1/products/products/${product.id}`);
  assert.equal([listed.status, listed.body.available, listed.body.price_ttc], [200, 5, '23.88']);

  const added = await addToBasket(token, product.id, 2);
  assert.is(added.status, 200, added.text);
  const percentage = (await call('GET', '/api/v1/baskets/admin/types', { token: admin })).body.data.find((t: { name: string }) => t.name === 'Pourcentage');
  const code = `SAVE${Date.now()}`;
  assert.is((await call('POST', '/api/v1/baskets/admin/promo-codes', { token: admin, body: { name: 'Ten off', code, type_id: percentage.id, discount: '10' } })).status, 201);
  const promo = await call('POST', '/api/v1/baskets/baskets/promo-codes', { token, body: { code } });
  assert.is(promo.status, 200, promo.text);
  assert.is(promo.body.data.subtotal_ht, '39.80');
  assert.is(promo.body.data.discount, '3.98');

  const addressId = await addressFor(token);
  const placed = await call('POST', '/api/v1/orders/orders/create-from-basket', { token, headers: { 'idempotency-key': randomUUID() }, body: { address_id: addressId, payment_method: 'credit_card' } });
  assert.is(placed.status, 201, placed.text);
  const orderId = placed.body.order.id;
  assert.is(placed.body.order.status, 'pending');

  const confirmed = await eventually(() => orderOf(token, orderId), (r) => r.body.status !== 'pending', 'the order to leave pending');
  assert.is(confirmed.body.status, 'confirmed');
  assert.is((await call('GET', `/api/v1/products/products/${product.id}`)).body.available, 3, 'two units reserved');
  const basket = await eventually(() => call('GET', '/api/v1/baskets/baskets/current', { token }), (r) => r.body.items?.length === 0, 'a fresh basket after checkout');
  assert.is(basket.body.status, 'active');

  const deliveries = await eventually(() => call('GET', '/api/v1/deliveries/deliveries', { token }), (r) => r.body.data?.length === 1, 'the delivery');
  const delivery = deliveries.body.data[0];
  assert.is(delivery.order_id, orderId);
  const tracked = await call('GET', `/api/v1/deliveries/deliveries/track/${delivery.tracking_number}`);
  assert.equal([tracked.status, tracked.body.status], [200, 'pending']);
  assert.not.match(tracked.text, /Rivoli/, 'tracking shows no street');

  for (const status of ['processing', 'in_transit']) {
    assert.is((await call('PUT', `/api/v1/deliveries/deliveries/${delivery.id}/status`, { token: admin, body: { status, location: 'Lyon' } })).status, 200);
  }
  await eventually(() => orderOf(token, orderId), (r) => r.body.status === 'shipped', 'the order to ship');
  assert.is((await call('PUT', `/api/v1/deliveries/deliveries/${delivery.id}/status`, { token: admin, body: { status: 'delivered' } })).status, 200);
  await eventually(() => orderOf(token, orderId), (r) => r.body.status === 'delivered', 'the order to be delivered');
  const stock = await eventually(() => call('GET', `/api/v1/products/products/${product.id}`), (r) => r.body.stock === 3, 'the shipped units to leave the stock');
  assert.is(stock.body.available, 3);
  assert.is((await call('PUT', `/api/v1/deliveries/deliveries/${delivery.id}/status`, { token: admin, body: { status: 'processing' } })).status, 409, 'no going back');
});

e2e('40 customers order the last 10 units at once: exactly 10 confirmed, none oversold', async () => {
  const product = await newProduct(10);
  const customers = await Promise.all(Array.from({ length: 40 }, async () => {
    const token = customerToken();
    const addressId = await addressFor(token);
    assert.is((await addToBasket(token, product.id)).status, 200);
    return { token, addressId };
  }));
  const placed = await Promise.all(customers.map(({ token, addressId }) =>
    call('POST', '/api/v1/orders/orders/create-from-basket', { token, body: { address_id: addressId, payment_method: 'paypal' } })));
  assert.ok(placed.every((p) => p.status === 201), placed.map((p) => p.status).join(','));
  const outcomes = await Promise.all(placed.map((p, i) => eventually(() => orderOf(customers[i].token, p.body.order.id), (r) => r.body.status !== 'pending', 'every order to settle', 60_000)));
  const statuses = outcomes.map((o) => o.body.status);
  assert.is(statuses.filter((s) => s === 'confirmed').length, 10);
  assert.is(statuses.filter((s) => s === 'cancelled').length, 30);
  assert.ok(outcomes.filter((o) => o.body.status === 'cancelled').every((o) => o.body.cancel_reason === 'insufficient stock'));
  const after = (await call('GET', `/api/v1/products/products/${product.id}`)).body;
  assert.equal([after.stock, after.available], [10, 0]);
});

e2e('six customers order at once with a promo code of 2 uses: 2 orders carry the discount, 4 are told to remove the code', async () => {
  const product = await newProduct(100);
  const percentage = (await call('GET', '/api/v1/baskets/admin/types', { token: admin })).body.data.find((t: { name: string }) => t.name === 'Pourcentage');
  const code = `LAST2${Date.now()}`;
  const created = await call('POST', '/api/v1/baskets/admin/promo-codes', { token: admin, body: { name: 'Two only', code, type_id: percentage.id, discount: '10', max_uses: 2 } });
  assert.is(created.status, 201, created.text);
  const customers = await Promise.all(Array.from({ length: 6 }, async () => {
    const token = customerToken();
    const addressId = await addressFor(token);
    assert.is((await addToBasket(token, product.id)).status, 200);
    assert.is((await call('POST', '/api/v1/baskets/baskets/promo-codes', { token, body: { code } })).status, 200);
    return { token, addressId };
  }));
  const placed = await Promise.all(customers.map(({ token, addressId }) =>
    call('POST', '/api/v1/orders/orders/create-from-basket', { token, body: { address_id: addressId, payment_method: 'paypal' } })));
  const orders = placed.filter((p) => p.status === 201);
  const refused = placed.filter((p) => p.status === 422);
  assert.is(orders.length, 2, placed.map((p) => p.status).join(','));
  assert.is(refused.length, 4);
  assert.ok(orders.every((p) => p.body.order.total_discount === '1.00'), 'the two orders carry the discount');
  assert.ok(refused.every((p) => /maximum number of uses/.test(p.body.errors.promo_codes[0])));
  const refusedCustomer = customers[placed.findIndex((p) => p.status === 422)];
  assert.is((await call('GET', '/api/v1/orders/orders', { token: refusedCustomer.token })).body.total, 0, 'a refused placement creates no order');
  const promo = await eventually(() => call('GET', `/api/v1/baskets/admin/promo-codes/${created.body.id}`, { token: admin }), (r) => r.body.uses === 2, 'the uses counted');
  assert.is(promo.body.uses, 2, 'never more uses than max_uses');
});

e2e('the same Idempotency-Key five times in parallel places one order; cancelling releases the stock', async () => {
  const product = await newProduct(3);
  const token = customerToken();
  const addressId = await addressFor(token);
  await addToBasket(token, product.id, 2);
  const key = randomUUID();
  const answers = await Promise.all(Array.from({ length: 5 }, () =>
    call('POST', '/api/v1/orders/orders/create-from-basket', { token, headers: { 'idempotency-key': key }, body: { address_id: addressId, payment_method: 'bank_transfer' } })));
  assert.equal(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 201]);
  assert.is(new Set(answers.map((a) => a.body.order.id)).size, 1);
  const orders = await call('GET', '/api/v1/orders/orders', { token });
  assert.is(orders.body.total, 1);

  const orderId = answers[0].body.order.id;
  await eventually(() => orderOf(token, orderId), (r) => r.body.status === 'confirmed', 'confirmation');
  assert.is((await call('GET', `/api/v1/products/products/${product.id}`)).body.available, 1);
  assert.is((await call('PUT', `/api/v1/orders/orders/${orderId}/cancel`, { token })).status, 200);
  await eventually(() => call('GET', `/api/v1/products/products/${product.id}`), (r) => r.body.available === 3, 'the stock to be released');
});

e2e('placing an order while baskets is down is a clear 503 that creates nothing', async () => {
  const platform = await testPlatform();
  const token = customerToken();
  const addressId = await addressFor(token);
  await platform.stopFunction('baskets');
  try {
    const res = await call('POST', '/api/v1/orders/orders/create-from-basket', { token, body: { address_id: addressId, payment_method: 'paypal' } });
    assert.is(res.status, 503);
    assert.is((await call('GET', '/api/v1/orders/orders', { token })).body.total, 0);
  } finally {
    await platform.startFunction('baskets');
  }
});

e2e.run();
