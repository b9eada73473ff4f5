import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryTypes } from 'sequelize';
import { orders } from '../../functions/orders';
import { db } from '../../functions/orders/database';
import { adminRoutesNotAnswering } from '../helpers/admin';
import { DELIVERY_CHANGED, STOCK_RESERVED, deliver, deliveryChange, outbox, person, placeOrder, reserved, startOrders, type OrdersUnderTest, type Person } from './harness';

const it = suite('orders: routes, access, lifecycle by hand, statistics');
let app: OrdersUnderTest;
const admin = person('admin');
const manager = person('manager');
const support = person('support');
const root = person('super-admin');
const someCustomer = () => person('customer');

it.before(async () => {
  app = await startOrders();
});
it.after(() => app.close());

const get = (path: string, who?: Person) => app.call('GET', path, { token: who?.token });
const put = (path: string, who: Person | undefined, body: object = {}) => app.call('PUT', path, { token: who?.token, body });

async function shipped(who: Person) {
  const order = await placeOrder(app, who);
  await deliver(app, STOCK_RESERVED, reserved(order.id));
  await deliver(app, DELIVERY_CHANGED, deliveryChange(order.id, 1, 'processing', 'in_transit'));
  return order;
}

it("a customer sees only their own orders: another's is a 404; staff with orders.view see every order", async () => {
  const alice = person('customer');
  const bob = person('customer');
  const mine = await placeOrder(app, alice);
  const theirs = await placeOrder(app, bob);
  const list = await get('/orders', alice);
  assert.equal([list.status, list.body.total, list.body.data.map((o: any) => o.id)], [200, 1, [mine.id]]);
  assert.equal(Object.keys(list.body).sort(), ['current_page', 'data', 'last_page', 'per_page', 'total']);
  assert.is((await get(`/orders/${theirs.id}`, alice)).status, 404);
  assert.is((await get(`/orders/${mine.id}`, alice)).status, 200);
  for (const staff of [support, manager, admin, root]) assert.is((await get(`/orders/${theirs.id}`, staff)).status, 200);
  assert.ok((await get('/orders?per_page=100', support)).body.total >= 2);
  assert.is((await get('/orders')).status, 401);
  assert.is((await get('/orders/99999999', admin)).status, 404);
});

it('list filters: status (one or several), date range, sort; bad values are 422', async () => {
  const carol = person('customer');
  const first = await placeOrder(app, carol, [{ product_id: 1, quantity: 1, price: '50.00' }]);
  const second = await placeOrder(app, carol, [{ product_id: 1, quantity: 1, price: '5.00' }]);
  await deliver(app, STOCK_RESERVED, reserved(second.id));
  const ids = async (query: string) => (await get(`/orders?${query}`, carol)).body.data.map((o: any) => o.id);
  assert.equal(await ids('status=confirmed'), [second.id]);
  assert.equal(await ids('status=pending,confirmed&sort=id'), [first.id, second.id]);
  assert.equal(await ids('status[]=pending&status[]=confirmed&sort=-id'), [second.id, first.id]);
  assert.equal(await ids('sort=total_amount_ttc'), [second.id, first.id]);
  assert.equal(await ids('sort=-total_amount_ttc'), [first.id, second.id]);
  const today = new Date().toISOString().slice(0, 10);
  assert.equal((await ids(`from=${today}&to=${today}&sort=id`)), [first.id, second.id]);
  assert.equal(await ids('to=2000-01-01'), []);
  assert.equal(await ids(`from=${new Date(Date.now() + 86_400_000).toISOString()}`), []);
  for (const bad of ['sort=user_id', 'from=yesterday', 'to=2026-13-45', 'per_page=500', 'page=0', 'from=2026-02-02&to=2026-02-01']) {
    assert.is((await get(`/orders?${bad}`, carol)).status, 422, bad);
  }
});

it('cancel: the owner while pending, confirmed or processing; later 409; another customer 404; staff needs orders.cancel', async () => {
  const dave = person('customer');
  const pending = await placeOrder(app, dave);
  assert.is((await put(`/orders/${pending.id}/cancel`, person('customer'))).status, 404);
  assert.is((await put(`/orders/${pending.id}/cancel`, support)).status, 403, 'support sees it but may not cancel');
  assert.is((await put(`/orders/${pending.id}/cancel`, undefined)).status, 401);
  const cancelled = await put(`/orders/${pending.id}/cancel`, dave, { reason: 'changed my mind' });
  assert.equal([cancelled.status, cancelled.body.order.status, cancelled.body.order.cancel_reason], [200, 'cancelled', 'changed my mind']);
  assert.ok((await outbox(pending.id)).some((e) => e.type === 'ecommerce.orders.order.cancelled' && e.data.reason === 'changed my mind'));
  assert.is((await put(`/orders/${pending.id}/cancel`, dave)).status, 409, 'twice');

  const confirmed = await placeOrder(app, dave);
  await deliver(app, STOCK_RESERVED, reserved(confirmed.id));
  const byStaff = await put(`/orders/${confirmed.id}/cancel`, admin);
  assert.equal([byStaff.status, byStaff.body.order.cancel_reason], [200, 'cancelled by staff']);

  const gone = await shipped(dave);
  const late = await put(`/orders/${gone.id}/cancel`, dave);
  assert.is(late.status, 409);
  assert.match(late.body.message, /shipped/);
  assert.is((await put(`/orders/${gone.id}/cancel`, admin)).status, 409);
});

it('status by hand: legal moves with history and events; illegal 409; unknown status 422; orders.update needed', async () => {
  const erin = person('customer');
  const order = await placeOrder(app, erin);
  const path = `/orders/${order.id}/status`;
  assert.is((await put(path, erin, { status: 'cancelled' })).status, 403);
  assert.is((await put(path, support, { status: 'cancelled' })).status, 403);
  const early = await put(path, manager, { status: 'confirmed' });
  assert.is(early.status, 409, 'only reserved stock confirms');
  assert.match(early.body.message, /stock/);
  await deliver(app, STOCK_RESERVED, reserved(order.id));
  assert.is((await put(path, manager, { status: 'shipped' })).status, 409, 'no skipping');
  assert.is((await put(path, manager, { status: 'confirmed' })).status, 409, 'not to itself');
  assert.equal(Object.keys((await put(path, manager, { status: 'teleported' })).body.errors ?? {}), ['status']);
  assert.is((await put(path, manager, {})).status, 422);
  for (const status of ['processing', 'shipped', 'delivered', 'returned', 'refunded']) {
    const res = await put(path, manager, { status, reason: `to ${status}` });
    assert.equal([res.status, res.body.order?.status], [200, status], res.text);
  }
  const done = (await get(`/orders/${order.id}`, erin)).body;
  assert.equal(done.status_history.slice(-1)[0], { from: 'returned', to: 'refunded', by: manager.id, reason: 'to refunded', at: done.status_history.slice(-1)[0].at });
  const types = (await outbox(order.id)).map((e) => e.type.replace('ecommerce.orders.order.', ''));
  assert.equal(types.filter((t) => t !== 'status-changed'), ['created', 'confirmed', 'shipped', 'delivered']);
  assert.is(types.filter((t) => t === 'status-changed').length, 6);
  assert.is((await put(path, manager, { status: 'pending' })).status, 409);
});

it('statistics: count and amount per status; a customer gets their own only', async () => {
  const frank = person('customer');
  const one = await placeOrder(app, frank, [{ product_id: 1, quantity: 1, price: '10.00' }]);
  await placeOrder(app, frank, [{ product_id: 1, quantity: 2, price: '10.00' }]);
  await deliver(app, STOCK_RESERVED, reserved(one.id));
  const mine = await get('/order-status/statistics', frank);
  assert.is(mine.status, 200);
  const row = (name: string) => mine.body.data.find((r: any) => r.status === name);
  assert.equal([row('confirmed').count, row('confirmed').total_amount_ttc], [1, '16.90']);
  assert.equal([row('pending').count, row('pending').total_amount_ttc], [1, '28.90']);
  assert.equal([row('shipped').count, row('shipped').total_amount_ttc], [0, '0.00']);
  assert.equal(mine.body.total, { count: 2, total_amount_ttc: '45.80' });
  const all = await get('/order-status/statistics', manager);
  assert.ok(all.body.total.count > 2);
  assert.is((await get('/order-status/statistics')).status, 401);
  assert.is((await get('/order-status/statistics?from=garbage', manager)).status, 422);
});

it('order statuses: public reads; staff CRUD; lifecycle statuses cannot be renamed or deleted', async () => {
  const list = await get('/order-status?per_page=100');
  assert.is(list.status, 200);
  const names = list.body.data.map((s: any) => s.name);
  for (const name of ['pending', 'confirmed', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded', 'returned']) assert.ok(names.includes(name), name);
  const pending = list.body.data.find((s: any) => s.name === 'pending');
  assert.is((await get(`/order-status/${pending.id}`)).body.name, 'pending');
  assert.is((await get('/admin/order-status', support)).status, 200);

  const name = `on_hold_${Date.now()}`;
  const created = await app.call('POST', '/admin/order-status', { token: manager.token, body: { name, color: '#123456' } });
  assert.is(created.status, 201, created.text);
  assert.is((await app.call('POST', '/admin/order-status', { token: manager.token, body: { name } })).status, 409);
  assert.is((await app.call('POST', '/admin/order-status', { token: manager.token, body: { name: 'Bad Name!' } })).status, 422);
  assert.is((await app.call('POST', '/admin/order-status', { token: someCustomer().token, body: { name: `${name}_x` } })).status, 403);
  assert.is((await put(`/admin/order-status/${created.body.id}`, manager, { description: 'waiting' })).body.description, 'waiting');
  assert.is((await put(`/admin/order-status/${pending.id}`, manager, { name: 'waiting' })).status, 409);
  assert.is((await put(`/admin/order-status/${pending.id}`, manager, { description: 'Placed.' })).status, 200, 'its description may change');
  assert.is((await app.call('DELETE', `/admin/order-status/${pending.id}`, { token: root.token })).status, 409);
  assert.is((await app.call('DELETE', `/admin/order-status/${created.body.id}`, { token: manager.token })).status, 403, 'orders.delete');
  assert.is((await app.call('DELETE', `/admin/order-status/${created.body.id}`, { token: root.token })).status, 204);
  assert.is((await get(`/order-status/${created.body.id}`)).status, 404);
});


it('a customer (who holds orders.view for their own orders) gets 403 on every /admin route; their own orders and the public statuses still answer', async () => {
  const customer = someCustomer();
  assert.equal(await adminRoutesNotAnswering(orders, app.call, customer.token, 403), []);
  assert.is((await get('/orders', customer)).status, 200);
  assert.is((await get('/order-status')).status, 200);
  assert.is((await get('/admin/order-status', support)).status, 200, 'staff with orders.view read them');
});

it('admin orders: staff only; PUT follows the lifecycle (status by name or id) and changes notes; DELETE only when over', async () => {
  const gina = person('customer');
  const order = await placeOrder(app, gina);
  assert.is((await get('/admin/orders', gina)).status, 403, "a customer's orders.view does not open the admin area");
  assert.is((await get(`/admin/orders/${order.id}`, gina)).status, 403);
  const found = await get(`/admin/orders?user_id=${gina.id}&search=${order.order_number}`, support);
  assert.equal(found.body.data.map((o: any) => o.id), [order.id]);
  assert.is((await get(`/admin/orders/${order.id}`, support)).body.id, order.id);

  const path = `/admin/orders/${order.id}`;
  assert.is((await put(path, support, { notes: 'x' })).status, 403);
  const noted = await put(path, manager, { notes: 'gift wrap', status: 'pending', user_id: 1, total_amount_ttc: '0.00' });
  assert.equal([noted.status, noted.body.notes, noted.body.status, noted.body.user_id, noted.body.total_amount_ttc], [200, 'gift wrap', 'pending', gina.id, order.total_amount_ttc]);
  assert.is((await put(path, manager, { status: 'delivered' })).status, 409);
  const statuses = (await get('/order-status?per_page=100')).body.data;
  const cancelledId = statuses.find((s: any) => s.name === 'cancelled').id;
  assert.is((await put(path, manager, { status_id: 99_999_999 })).status, 422);
  assert.is((await put(path, manager, { status: 'pending', status_id: cancelledId })).status, 422);

  assert.is((await app.call('DELETE', path, { token: root.token })).status, 409, 'still under way');
  const cancelled = await put(path, manager, { status_id: cancelledId, reason: 'fraud' });
  assert.equal([cancelled.body.status, cancelled.body.cancel_reason], ['cancelled', 'fraud']);
  assert.ok((await outbox(order.id)).some((e) => e.type === 'ecommerce.orders.order.cancelled'));
  assert.is((await app.call('DELETE', path, { token: admin.token })).status, 403, 'admin has no orders.delete');
  assert.is((await app.call('DELETE', path, { token: root.token })).status, 204);
  assert.is((await get(path, support)).status, 404);
  assert.is((await get(`/orders/${order.id}`, gina)).status, 404);
  const [row] = await db.sequelize.query<{ deleted_at: Date | null }>('SELECT deleted_at FROM orders WHERE id = ?', { replacements: [order.id], type: QueryTypes.SELECT });
  assert.ok(row.deleted_at, 'soft deleted');
});

it('bad ids and bodies are 4xx, never 5xx', async () => {
  for (const path of ['/orders/abc', '/orders/0', '/orders/-1', '/admin/orders/1.5', '/order-status/x']) {
    const res = await get(path, root);
    assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
  }
  const order = await placeOrder(app, person('customer'));
  for (const body of [{ status: 42 }, { status: '' }, { status: 'x'.repeat(51) }, { status: 'shipped', reason: 'r'.repeat(256) }]) {
    const res = await put(`/orders/${order.id}/status`, root, body);
    assert.is(res.status, 422, JSON.stringify(body));
  }
  const raw = await app.call('PUT', `/orders/${order.id}/status`, { token: root.token, raw: 'not json', headers: { 'content-type': 'application/json' } });
  assert.is(raw.status, 400);
  assert.is((await put('/orders/99999999/status', root, { status: 'processing' })).status, 404);
  assert.is((await put('/orders/99999999/cancel', root)).status, 404);
});

it('health and the OpenAPI document list the routes', async () => {
  assert.equal((await get('/health')).body, { status: 'ok', service: 'orders', database: 'up' });
  const doc = await get('/openapi.json');
  assert.is(doc.status, 200);
  for (const path of ['/orders', '/orders/create-from-basket', '/orders/{id}/cancel', '/orders/{id}/status', '/order-status/statistics', '/admin/orders/{id}', '/admin/order-status']) {
    assert.ok(doc.body.paths[path], path);
  }
});

it.run();
