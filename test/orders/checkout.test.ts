import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { basketOf, countOrders, deadUrl, outbox, person, startOrders, type OrdersUnderTest } from './harness';

const it = suite('orders: create from basket');
let app: OrdersUnderTest;

it.before(async () => {
  app = await startOrders();
});
it.after(() => app.close());

/** A customer with a two-line basket and one address; `post` places the order. */
function shopper() {
  const who = person('customer');
  app.deps.baskets.set(who.id, basketOf(who.id, [{ product_id: 7, quantity: 2, price: '10.00' }, { product_id: 9, quantity: 1, price: '5.50', vat: '5.50' }]));
  const billing = app.deps.address(who.id);
  const body = { address_id: billing.id, payment_method: 'paypal', notes: 'ring twice' };
  const post = (options: { body?: object; key?: string } = {}) =>
    app.call('POST', '/orders/create-from-basket', { token: who.token, body: options.body ?? body, headers: options.key ? { 'Idempotency-Key': options.key } : {} });
  return { who, billing, body, post };
}

it('201 { message, order }: pending, numbered, item and address snapshots, basket totals as strings', async () => {
  const { who, billing, post } = shopper();
  const shipping = app.deps.address(who.id, { first_name: 'Grace', city: 'Lyon', postal_code: '69001', region: null, region_id: null, company: 'ACME' });
  const res = await post({ body: { address_id: billing.id, shipping_address_id: shipping.id, payment_method: 'paypal', notes: 'ring twice', total_amount_ttc: '0.01', user_id: 1, status: 'delivered' } });
  assert.is(res.status, 201, res.text);
  assert.type(res.body.message, 'string');
  const order = res.body.order;
  assert.match(order.order_number, new RegExp(`^ORD-\\d{4}-0*${order.id}$`));
  assert.equal([order.status, order.user_id, order.customer_email, order.payment_method, order.notes], ['pending', who.id, who.email, 'paypal', 'ring twice']);
  // 2 × 10.00 at 20 % + 1 × 5.50 at 5.5 % + 4.90 shipping: the client's amounts are ignored.
  assert.equal([order.total_amount_ht, order.total_discount, order.vat_amount, order.shipping_amount, order.total_amount_ttc], ['25.50', '0.00', '4.30', '4.90', '34.70']);
  assert.equal(order.items.map((i: any) => [i.product_id, i.product_name, i.product_ref, i.quantity, i.unit_price_ht, i.unit_price_ttc, i.vat_rate, i.total_ht, i.vat_amount, i.total_ttc]), [
    [7, 'Product 7', 'REF-7', 2, '10.00', '12.00', '20.00', '20.00', '4.00', '24.00'],
    [9, 'Product 9', 'REF-9', 1, '5.50', '5.80', '5.50', '5.50', '0.30', '5.80'],
  ]);
  assert.equal(order.billing_address, {
    id: billing.id, first_name: 'Ada', last_name: 'Lovelace', company: null, address_line_1: '12 rue de la Paix', address_line_2: null,
    city: 'Paris', postal_code: '75002', region: 'Île-de-France', country_code: 'FR', country: 'France', phone: '+33 1 23 45 67 89',
  });
  assert.equal([order.shipping_address.id, order.shipping_address.city, order.shipping_address.region, order.shipping_address.company], [shipping.id, 'Lyon', null, 'ACME']);
  assert.equal([order.billing_address_id, order.shipping_address_id], [billing.id, shipping.id]);
  assert.equal(order.status_history.map((h: any) => [h.from, h.to, h.by]), [[null, 'pending', who.id]]);

  const events = await outbox(order.id);
  assert.equal(events.map((e) => e.type), ['ecommerce.orders.order.created']);
  assert.equal(events[0].data, {
    id: order.id, order_number: order.order_number, user_id: who.id, basket_id: who.id + 1, status: 'pending', total_amount_ttc: '34.70', created_at: events[0].data.created_at,
    items: [
      { product_id: 7, product_name: 'Product 7', product_ref: 'REF-7', quantity: 2, unit_price_ht: '10.00', vat_rate: '20.00' },
      { product_id: 9, product_name: 'Product 9', product_ref: 'REF-9', quantity: 1, unit_price_ht: '5.50', vat_rate: '5.50' },
    ],
  });
  const shown = await app.call('GET', `/orders/${order.id}`, { token: who.token });
  assert.equal(shown.body, order, 'what was answered is what is stored');
});

it('without a shipping address the billing one is used for both', async () => {
  const { billing, post } = shopper();
  const res = await post();
  assert.equal([res.body.order.shipping_address_id, res.body.order.shipping_address], [billing.id, res.body.order.billing_address]);
});

it('without an Idempotency-Key every call is a new order', async () => {
  const { who, post } = shopper();
  assert.equal([(await post()).status, (await post()).status], [201, 201]);
  assert.is(await countOrders(who.id), 2);
});

it('Idempotency-Key: 201 then 200 with the same order', async () => {
  const { who, post } = shopper();
  const key = randomUUID();
  const first = await post({ key });
  const again = await post({ key });
  assert.equal([first.status, again.status], [201, 200]);
  assert.is(again.body.order.id, first.body.order.id);
  assert.is(again.headers['idempotent-replayed'], 'true');
  assert.is(await countOrders(who.id), 1);
  assert.is((await outbox(first.body.order.id)).length, 1, 'one order.created');
});

it('Idempotency-Key: 5 identical requests in parallel make one order (one 201, four 200)', async () => {
  const { who, post } = shopper();
  const key = randomUUID();
  const answers = await Promise.all(Array.from({ length: 5 }, () => post({ key })));
  assert.equal(answers.map((a) => a.status).sort(), [200, 200, 200, 200, 201], answers.map((a) => a.text).join('\n'));
  assert.is(new Set(answers.map((a) => a.body.order.id)).size, 1);
  assert.is(await countOrders(who.id), 1);
  assert.is((await outbox(answers[0].body.order.id)).length, 1);
});

it('Idempotency-Key: the same key from another user is another order; the key with another request is a 422', async () => {
  const one = shopper();
  const two = shopper();
  const key = randomUUID();
  const a = await one.post({ key });
  const b = await two.post({ key });
  assert.equal([a.status, b.status], [201, 201]);
  assert.is.not(a.body.order.id, b.body.order.id);
  const changed = await one.post({ key, body: { ...one.body, payment_method: 'bank_transfer' } });
  assert.is(changed.status, 422);
  assert.ok(changed.body.errors['Idempotency-Key']);
  const tooLong = await one.post({ key: 'k'.repeat(256) });
  assert.is(tooLong.status, 422);
});

it('an empty basket is a 422 and creates nothing', async () => {
  const { who, post } = shopper();
  app.deps.baskets.set(who.id, basketOf(who.id, []));
  const res = await post();
  assert.is(res.status, 422);
  assert.ok(res.body.errors.basket);
  assert.is(await countOrders(who.id), 0);
});

it("someone else's address is a 422 naming the field (billing or shipping); an unknown one too", async () => {
  const { who, body, post } = shopper();
  const other = person('customer');
  const theirs = app.deps.address(other.id);
  const billing = await post({ body: { ...body, address_id: theirs.id } });
  assert.equal([billing.status, Object.keys(billing.body.errors)], [422, ['address_id']]);
  const shipping = await post({ body: { ...body, shipping_address_id: theirs.id } });
  assert.equal([shipping.status, Object.keys(shipping.body.errors)], [422, ['shipping_address_id']]);
  const unknown = await post({ body: { ...body, address_id: 999_999_999 } });
  assert.is(unknown.status, 422);
  assert.is(await countOrders(who.id), 0);
});

it('a dependency down or failing is a 503 and nothing is created', async () => {
  const { who, post } = shopper();
  const saved = { baskets: process.env.SERVICE_URL_BASKETS, addresses: process.env.SERVICE_URL_ADDRESSES };
  try {
    process.env.SERVICE_URL_BASKETS = await deadUrl();
    const down = await post({ key: randomUUID() });
    assert.is(down.status, 503, down.text);
    assert.match(down.body.message, /baskets/);
    process.env.SERVICE_URL_BASKETS = saved.baskets;
    process.env.SERVICE_URL_ADDRESSES = await deadUrl();
    assert.is((await post()).status, 503);
    process.env.SERVICE_URL_ADDRESSES = saved.addresses;
    app.deps.failing.add('baskets');
    assert.is((await post()).status, 503);
    app.deps.failing.clear();
    app.deps.baskets.set(who.id, { broken: true } as never);
    assert.is((await post()).status, 503, 'an answer outside the contract is not trusted');
  } finally {
    Object.assign(process.env, { SERVICE_URL_BASKETS: saved.baskets, SERVICE_URL_ADDRESSES: saved.addresses });
    app.deps.failing.clear();
  }
  assert.is(await countOrders(who.id), 0);
});

it('bad input is a 4xx naming the fields, never a 5xx; no token 401; no orders.create 403', async () => {
  const { who, post } = shopper();
  const bad = await post({ body: { address_id: 'abc', payment_method: 'bitcoin', notes: 'x'.repeat(2001), shipping_address_id: -1 } });
  assert.is(bad.status, 422);
  assert.equal(Object.keys(bad.body.errors).sort(), ['address_id', 'notes', 'payment_method', 'shipping_address_id']);
  assert.equal(Object.keys((await post({ body: {} })).body.errors).sort(), ['address_id', 'payment_method']);
  const notJson = await app.call('POST', '/orders/create-from-basket', { token: who.token, raw: '{"address_id":', headers: { 'content-type': 'application/json' } });
  assert.is(notJson.status, 400);
  const array = await app.call('POST', '/orders/create-from-basket', { token: who.token, body: [1, 2] });
  assert.is(array.status, 422);
  assert.is((await app.call('POST', '/orders/create-from-basket', { body: {} })).status, 401);
  assert.is((await app.call('POST', '/orders/create-from-basket', { token: person('support').token, body: {} })).status, 403);
  assert.is(await countOrders(who.id), 0);
});

it.run();
