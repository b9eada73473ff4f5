import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import {
  DELIVERY_CHANGED, STOCK_REJECTED, STOCK_RESERVED, deliver, deliveryChange, inbox, outbox, person, placeOrder, rejected, reserved, startOrders,
  type OrdersUnderTest, type Person,
} from './harness';

const it = suite('orders: the lifecycle follows stock and delivery events');
let app: OrdersUnderTest;

it.before(async () => {
  app = await startOrders();
});
it.after(() => app.close());

async function order(who: Person = person('customer')) {
  return { who, order: await placeOrder(app, who) };
}

const show = async (id: number, who: Person) => (await app.call('GET', `/orders/${id}`, { token: who.token })).body;
const types = async (id: number) => (await outbox(id)).map((e) => e.type.replace('ecommerce.orders.order.', ''));

it('stock.reserved confirms a pending order: order.confirmed carries the e-mail, shipping address and items', async () => {
  const { who, order: placed } = await order();
  const answer = await deliver(app, STOCK_RESERVED, reserved(placed.id));
  assert.equal([answer.status, answer.body.status], [200, 'applied']);
  const confirmed = await show(placed.id, who);
  assert.is(confirmed.status, 'confirmed');
  assert.ok(confirmed.confirmed_at);
  assert.equal(confirmed.status_history.map((h: any) => [h.from, h.to, h.by, h.reason]), [[null, 'pending', who.id, 'order placed'], ['pending', 'confirmed', null, 'stock reserved']]);
  const events = await outbox(placed.id);
  assert.equal(events.map((e) => e.type), ['ecommerce.orders.order.created', 'ecommerce.orders.order.status-changed', 'ecommerce.orders.order.confirmed']);
  const data = events[2].data;
  assert.equal([data.id, data.customer_email, data.shipping_address, data.items.length, data.total_amount_ttc], [placed.id, who.email, placed.shipping_address, 1, placed.total_amount_ttc]);
  assert.equal([events[1].data.from, events[1].data.to], ['pending', 'confirmed']);
});

it('a redelivered event is applied once', async () => {
  const { who, order: placed } = await order();
  const id = randomUUID();
  const answers = await Promise.all([1, 2, 3].map(() => deliver(app, STOCK_RESERVED, reserved(placed.id), id)));
  assert.ok(answers.every((a) => a.status === 200));
  assert.equal(answers.map((a) => a.body.status).sort(), ['applied', 'duplicate', 'duplicate']);
  assert.is((await show(placed.id, who)).status_history.length, 2);
  assert.is((await types(placed.id)).filter((t) => t === 'confirmed').length, 1);
});

it('stock.rejected cancels a pending order with reason "insufficient stock"', async () => {
  const { who, order: placed } = await order();
  assert.is((await deliver(app, STOCK_REJECTED, rejected(placed.id))).status, 200);
  const cancelled = await show(placed.id, who);
  assert.equal([cancelled.status, cancelled.cancel_reason], ['cancelled', 'insufficient stock']);
  const events = await outbox(placed.id);
  const event = events.find((e) => e.type === 'ecommerce.orders.order.cancelled')!;
  assert.equal(event.data, { id: placed.id, order_number: placed.order_number, user_id: who.id, reason: 'insufficient stock', previous_status: 'pending' });
});

it('stock events for an order that is no longer pending are acknowledged, recorded and ignored', async () => {
  const { who, order: placed } = await order();
  await deliver(app, STOCK_RESERVED, reserved(placed.id));
  const late = await deliver(app, STOCK_REJECTED, rejected(placed.id));
  assert.equal([late.status, late.body.status], [200, 'rejected']);
  assert.match((await inbox(late.id))!.reason!, /already confirmed/);
  assert.is((await show(placed.id, who)).status, 'confirmed');
  const unknown = await deliver(app, STOCK_RESERVED, reserved(2_000_000_000));
  assert.equal([unknown.status, unknown.body.status], [200, 'rejected']);
  const malformed = await deliver(app, STOCK_RESERVED, { order: 'x' });
  assert.equal([malformed.status, malformed.body.status], [200, 'rejected']);
  assert.match(malformed.body.reason, /contract/);
});

it('stock reserved after the customer cancelled: the order stays cancelled and asks again for the release', async () => {
  const { who, order: placed } = await order();
  assert.is((await app.call('PUT', `/orders/${placed.id}/cancel`, { token: who.token })).status, 200);
  assert.is((await deliver(app, STOCK_RESERVED, reserved(placed.id))).status, 200);
  assert.is((await show(placed.id, who)).status, 'cancelled');
  const cancellations = (await outbox(placed.id)).filter((e) => e.type === 'ecommerce.orders.order.cancelled');
  assert.is(cancellations.length, 2);
  assert.is(cancellations[1].data.previous_status, 'pending');
});

it('delivery events: processing → order processing; in_transit → shipped; delivered → delivered', async () => {
  const { who, order: placed } = await order();
  await deliver(app, STOCK_RESERVED, reserved(placed.id));
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 1, 'pending', 'processing'));
  assert.is((await show(placed.id, who)).status, 'processing');
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 2, 'processing', 'in_transit'));
  assert.is((await show(placed.id, who)).status, 'shipped');
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 3, 'in_transit', 'out_for_delivery'));
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 4, 'out_for_delivery', 'delivered'));
  const delivered = await show(placed.id, who);
  assert.is(delivered.status, 'delivered');
  assert.ok(delivered.shipped_at && delivered.delivered_at);
  assert.equal(await types(placed.id), ['created', 'status-changed', 'confirmed', 'status-changed', 'status-changed', 'shipped', 'status-changed', 'delivered']);
});

it('the first delivery event being in_transit moves the order through processing to shipped', async () => {
  const { who, order: placed } = await order();
  await deliver(app, STOCK_RESERVED, reserved(placed.id));
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 2, 'processing', 'in_transit'));
  const shipped = await show(placed.id, who);
  assert.equal(shipped.status_history.slice(2).map((h: any) => [h.from, h.to]), [['confirmed', 'processing'], ['processing', 'shipped']]);
  assert.equal((await types(placed.id)).slice(3), ['status-changed', 'status-changed', 'shipped']);
});

it('a stale (out of order) delivery event is acknowledged, recorded with its reason and ignored', async () => {
  const { who, order: placed } = await order();
  await deliver(app, STOCK_RESERVED, reserved(placed.id));
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 3, 'in_transit', 'delivered'));
  assert.is((await show(placed.id, who)).status, 'delivered');
  const stale = await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 2, 'processing', 'in_transit'));
  assert.equal([stale.status, stale.body.status], [200, 'rejected']);
  assert.equal(await inbox(stale.id), { status: 'rejected', reason: stale.body.reason });
  assert.match(stale.body.reason, /stale/);
  // A newer event that would take the order back is ignored the same way.
  const backwards = await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 9, 'pending', 'processing'));
  assert.equal([backwards.status, backwards.body.status], [200, 'rejected']);
  assert.is((await show(placed.id, who)).status, 'delivered');
  assert.is((await show(placed.id, who)).status_history.length, 5);
});

it('delivery returned moves a shipped order to returned; a cancelled order ignores its delivery', async () => {
  const { who, order: placed } = await order();
  await deliver(app, STOCK_RESERVED, reserved(placed.id));
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 2, 'processing', 'in_transit'));
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 3, 'in_transit', 'delivery_failed'));
  await deliver(app, DELIVERY_CHANGED, deliveryChange(placed.id, 4, 'delivery_failed', 'returned'));
  assert.is((await show(placed.id, who)).status, 'returned');

  const other = await order();
  await deliver(app, STOCK_REJECTED, rejected(other.order.id));
  const ignored = await deliver(app, DELIVERY_CHANGED, deliveryChange(other.order.id, 1, 'pending', 'processing'));
  assert.is(ignored.body.status, 'rejected');
  assert.is((await show(other.order.id, other.who)).status, 'cancelled');
});

it.run();
