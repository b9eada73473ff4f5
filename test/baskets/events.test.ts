import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { EVENTS, type OrderCreated } from '../../functions/contracts/commerce';
import type { Call } from '../helpers/http';
import { customerToken, db, deliver, freshId, product, promoCode, snapshot, staffToken, startBaskets } from './helpers';

const it = suite('baskets: events (read model, checkout, exactly once)');
let call: Call;
let url: string;
let close: () => Promise<void>;

it.before(async () => {
  ({ call, url, close } = await startBaskets());
});
it.after(() => close());

const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000);
const add = (token: string, productId: number, quantity = 1) => call('POST', '/baskets/items', { token, body: { product_id: productId, quantity } });
const current = async (token: string) => (await call('GET', '/baskets/current', { token })).body;
const copyOf = (id: number) => db.models.ProductCopy.findByPk(id);

function orderCreated(userId: number, basketId: number): OrderCreated {
  return {
    id: freshId(), order_number: `ORD-${randomUUID().slice(0, 8)}`, user_id: userId, basket_id: basketId, status: 'pending',
    items: [], total_amount_ttc: '0.00', created_at: new Date().toISOString(),
  };
}

it('active basket lines follow product updates; a checked-out basket keeps what was ordered', async () => {
  const p = await product(url, { price_ht: '10.00', vat_rate: '20.00', name: 'Mug' });
  const alice = customerToken();
  const bob = customerToken();
  await add(alice.token, p.id);
  const bobs = (await add(bob.token, p.id)).body.data;
  assert.is((await deliver(url, EVENTS.orderCreated, orderCreated(bob.id, bobs.id))).body.status, 'applied');
  await deliver(url, EVENTS.productUpdated, { ...p, name: 'Big mug', price_ht: '12.00', vat_rate: '5.50' });
  const [line] = (await current(alice.token)).items;
  assert.equal([line.product_name, line.unit_price_ht, line.vat_rate, line.line_vat], ['Big mug', '12.00', '5.50', '0.66']);
  const ordered = (await call('GET', `/admin/baskets/${bobs.id}`, { token: staffToken() })).body;
  assert.equal([ordered.status, ordered.items[0].product_name, ordered.items[0].unit_price_ht], ['checked_out', 'Mug', '10.00']);
});

it('out of order: an older update does not overwrite a newer one', async () => {
  const p = snapshot({ price_ht: '15.00', vat_rate: '20.00' });
  await deliver(url, EVENTS.productCreated, p, { time: at(30) });
  await deliver(url, EVENTS.productUpdated, { ...p, price_ht: '20.00', name: 'Newest' }, { time: at(10) });
  await deliver(url, EVENTS.productUpdated, { ...p, price_ht: '17.00', name: 'Older' }, { time: at(20) });
  const copy = await copyOf(p.id);
  assert.equal([copy!.price_ht, copy!.name], ['20.00', 'Newest']);
});

it('out of order: stock before creation, stale stock in a later snapshot', async () => {
  const id = freshId();
  await deliver(url, EVENTS.stockChanged, { product_id: id, stock: 5, reserved: 3, available: 2 }, { time: at(5) });
  const user = customerToken();
  assert.is((await add(user.token, id)).status, 422, 'nothing to sell before the product is known');
  await deliver(url, EVENTS.productCreated, snapshot({ id, price_ht: '9.99', vat_rate: '20.00', available: 100, name: 'Late' }), { time: at(50) });
  const copy = await copyOf(id);
  assert.equal([copy!.name, copy!.available, copy!.is_active], ['Late', 2, true], 'the newer stock level stays');
  assert.is((await add(user.token, id, 3)).status, 409);
  assert.is((await add(user.token, id, 2)).status, 200);
});

it('out of order: nothing brings a deleted product back', async () => {
  const p = await product(url, { price_ht: '5.00', vat_rate: '20.00' }, at(60));
  const user = customerToken();
  await add(user.token, p.id);
  await deliver(url, EVENTS.productDeleted, { id: p.id }, { time: at(30) });
  await deliver(url, EVENTS.productUpdated, { ...p, name: 'Zombie' }, { time: at(10) });
  await deliver(url, EVENTS.stockChanged, { product_id: p.id, stock: 50, reserved: 0, available: 50 }, { time: at(5) });
  const copy = await copyOf(p.id);
  assert.equal([copy!.is_active, copy!.deleted_at !== null, copy!.name], [false, true, p.name]);
  assert.is((await add(user.token, p.id)).status, 422);
  const [line] = (await current(user.token)).items;
  assert.is(line.is_available, false, 'the line stays, flagged');
  const deletedFirst = freshId();
  await deliver(url, EVENTS.productDeleted, { id: deletedFirst }, { time: at(5) });
  await deliver(url, EVENTS.productCreated, snapshot({ id: deletedFirst, price_ht: '1.00', vat_rate: '20.00' }), { time: at(50) });
  assert.is((await add(user.token, deletedFirst)).status, 422, 'a creation delivered after the deletion');
});

it('stock changes and deactivation show on the lines', async () => {
  const p = await product(url, { price_ht: '2.00', vat_rate: '20.00', available: 10 });
  const user = customerToken();
  const item = (await add(user.token, p.id, 4)).body.data.items[0];
  await deliver(url, EVENTS.stockChanged, { product_id: p.id, stock: 3, reserved: 0, available: 3 });
  assert.is((await current(user.token)).items[0].is_available, false);
  assert.is((await call('PUT', `/baskets/items/${item.id}`, { token: user.token, body: { quantity: 4 } })).status, 409);
  assert.is((await call('PUT', `/baskets/items/${item.id}`, { token: user.token, body: { quantity: 3 } })).status, 200);
  assert.is((await current(user.token)).items[0].is_available, true);
  await deliver(url, EVENTS.productUpdated, { ...p, available: 3, is_active: false });
  assert.is((await current(user.token)).items[0].is_available, false);
  assert.is((await call('PUT', `/baskets/items/${item.id}`, { token: user.token, body: { quantity: 1 } })).status, 422);
});

it('order.created: the basket is checked out once, its codes count one use, the next basket is new, first-order codes end', async () => {
  const p = await product(url, { price_ht: '50.00', vat_rate: '20.00' });
  const user = customerToken();
  await add(user.token, p.id, 2);
  const percentage = await promoCode(call, 'percentage', '10', { max_uses: 5 });
  const firstOrder = await promoCode(call, 'first_order', '20');
  const unused = await promoCode(call, 'fixed_amount', '5', { min_amount: '1000' });
  for (const code of [percentage, firstOrder]) assert.is((await call('POST', '/baskets/promo-codes', { token: user.token, body: { code: code.code } })).status, 200);
  await db.models.BasketPromoCode.create({ basket_id: (await current(user.token)).id, promo_code_id: unused.id });
  const before = await current(user.token);
  // 100.00: 10% = 10.00 and 20% = 20.00 → 70.00, VAT 14.00, + 5.90
  assert.equal([before.discount, before.total_ttc], ['30.00', '89.90']);

  const event = orderCreated(user.id, before.id);
  const eventId = randomUUID();
  assert.equal((await deliver(url, EVENTS.orderCreated, event, { id: eventId })).body, { status: 'applied' });
  assert.equal((await deliver(url, EVENTS.orderCreated, event, { id: eventId })).body, { status: 'duplicate' });
  const uses = async (id: number) => (await db.models.PromoCode.findByPk(id))!.uses;
  assert.equal([await uses(percentage.id), await uses(firstOrder.id), await uses(unused.id)], [1, 1, 0], 'once each, and only the codes that applied');

  await call('PUT', `/admin/promo-codes/${percentage.id}`, { token: staffToken(), body: { is_active: false } });
  await deliver(url, EVENTS.productUpdated, { ...p, price_ht: '80.00' });
  const old = (await call('GET', `/admin/baskets/${before.id}`, { token: staffToken() })).body;
  assert.equal([old.status, old.order_id, old.discount, old.total_ttc], ['checked_out', event.id, '30.00', '89.90'], 'what was ordered, whatever happened since');
  assert.equal([old.items[0].unit_price_ht, old.promo_codes.map((c: any) => c.applies)], ['50.00', [true, true, false]]);
  const next = await current(user.token);
  assert.is.not(next.id, before.id);
  assert.equal([next.status, next.items], ['active', []]);
  await add(user.token, p.id, 2);
  const refused = await call('POST', '/baskets/promo-codes', { token: user.token, body: { code: firstOrder.code } });
  assert.equal([refused.status, refused.body.errors?.code], [422, ['This promo code is only valid on a first order.']]);
  const validated = await call('POST', '/promo-codes/validate', { token: user.token, body: { code: firstOrder.code, amount: '100' } });
  assert.equal([validated.body.valid, validated.body.message], [false, 'This promo code is only valid on a first order.']);
  const anonymous = await call('POST', '/promo-codes/validate', { body: { code: firstOrder.code, amount: '100' } });
  assert.equal([anonymous.body.valid, anonymous.body.discount], [true, '20.00']);

  // A second order.created for the same basket (another event) changes nothing more.
  await deliver(url, EVENTS.orderCreated, { ...event, id: freshId() });
  assert.is(await uses(percentage.id), 1);
});

it("the first order is the earliest, whatever order its events come in", async () => {
  const user = customerToken();
  const p = await product(url, { price_ht: '10.00', vat_rate: '20.00' });
  const code = await promoCode(call, 'first_order', '10');
  await add(user.token, p.id);
  const first = await current(user.token);
  await call('POST', '/baskets/promo-codes', { token: user.token, body: { code: code.code } });
  const earlier = orderCreated(user.id, first.id);
  await deliver(url, EVENTS.orderCreated, { ...orderCreated(user.id, freshId()), id: earlier.id + 1 });
  await deliver(url, EVENTS.orderCreated, earlier);
  const checkedOut = (await call('GET', `/admin/baskets/${first.id}`, { token: staffToken() })).body;
  assert.equal([checkedOut.status, checkedOut.discount], ['checked_out', '1.00'], 'its first-order discount stands');
  assert.is((await db.models.PromoCode.findByPk(code.id))!.uses, 1);
});

it('order.created for an unknown basket still remembers the customer; malformed data is rejected for good', async () => {
  const user = customerToken();
  assert.is((await deliver(url, EVENTS.orderCreated, orderCreated(user.id, freshId()))).body.status, 'applied');
  const code = await promoCode(call, 'first_order', '10');
  const p = await product(url, { price_ht: '10.00', vat_rate: '20.00' });
  await add(user.token, p.id);
  assert.is((await call('POST', '/baskets/promo-codes', { token: user.token, body: { code: code.code } })).status, 422);

  const bad = await deliver(url, EVENTS.orderCreated, { id: 'x', user_id: user.id });
  assert.equal([bad.status, bad.body.status], [200, 'rejected']);
  assert.match(bad.body.reason, /data does not match/);
  const badProduct = await deliver(url, EVENTS.productUpdated, { id: freshId(), price_ht: 12.5 });
  assert.equal([badProduct.status, badProduct.body.status], [200, 'rejected']);
});

it('a product event delivered again is applied once', async () => {
  const p = await product(url, { price_ht: '10.00', vat_rate: '20.00', available: 10 });
  const id = randomUUID();
  const first = await deliver(url, EVENTS.stockChanged, { product_id: p.id, stock: 7, reserved: 0, available: 7 }, { id });
  const again = await Promise.all(Array.from({ length: 4 }, () => deliver(url, EVENTS.stockChanged, { product_id: p.id, stock: 7, reserved: 0, available: 7 }, { id })));
  assert.is(first.body.status, 'applied');
  assert.ok(again.every((a) => a.status === 200 && a.body.status === 'duplicate'));
  assert.is((await copyOf(p.id))!.available, 7);
});

it.run();
