import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { EVENTS } from '../../functions/contracts/commerce';
import { db } from '../../functions/deliveries/database';
import { LIFECYCLE_STATUSES, TRANSITIONS, type DeliveryStatus } from '../../functions/deliveries/lifecycle';
import type { Call } from '../helpers/http';
import { confirmedDelivery, deliver, freshId, orderConfirmed, outboxFor, serveDeliveries, tokens } from './helpers';
import { eventsUrl } from '../helpers/events';

const it = suite('deliveries: events, lifecycle, tracking, access');
let url: string;
let call: Call;
let close: () => Promise<void>;

it.before(async () => {
  ({ url, call, close } = await serveDeliveries());
});
it.after(() => close());

const move = (id: number, status: string, extra: object = {}, token = tokens.manager) => call('PUT', `/deliveries/${id}/status`, { token, body: { status, ...extra } });

/** A legal way from pending to each status. */
const PATH: Record<DeliveryStatus, DeliveryStatus[]> = {
  pending: [],
  processing: ['processing'],
  ready_for_pickup: ['processing', 'ready_for_pickup'],
  picked_up: ['processing', 'ready_for_pickup', 'picked_up'],
  in_transit: ['processing', 'in_transit'],
  out_for_delivery: ['processing', 'in_transit', 'out_for_delivery'],
  delivered: ['processing', 'in_transit', 'delivered'],
  delivery_failed: ['processing', 'in_transit', 'delivery_failed'],
  returned: ['processing', 'ready_for_pickup', 'returned'],
  cancelled: ['cancelled'],
};

async function deliveryAt(status: DeliveryStatus) {
  const { delivery, orderId, userId } = await confirmedDelivery(url, call);
  for (const step of PATH[status]) assert.is((await move(delivery.id, step)).status, 200, `walking to ${status}`);
  return { id: delivery.id as number, orderId, userId, tracking: delivery.tracking_number as string };
}

it('order.confirmed creates one pending delivery with a tracking number and the address snapshot; emits delivery.created', async () => {
  const userId = freshId();
  const orderId = freshId();
  const answer = await deliver(url, EVENTS.orderConfirmed, orderConfirmed(orderId, userId));
  assert.equal([answer.status, answer.body.status], [200, 'applied']);
  const list = await call('GET', `/deliveries?order_id=${orderId}`, { token: tokens.customer(userId) });
  assert.is(list.body.total, 1);
  const delivery = list.body.data[0];
  assert.match(delivery.tracking_number, /^TRK-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  assert.equal([delivery.order_id, delivery.order_number, delivery.user_id, delivery.status, delivery.delivery_method], [orderId, `ORD-2026-${orderId}`, userId, 'pending', 'standard']);
  assert.equal(delivery.shipping_address, {
    address_id: 77, first_name: 'Marie', last_name: 'Curie', company: null, address_line_1: '11 rue Pierre et Marie Curie', address_line_2: 'Bâtiment B',
    city: 'Paris', postal_code: '75005', region: 'Île-de-France', country_code: 'FR', country: 'France', phone: '+33 1 44 27 00 00',
  });
  assert.equal(delivery.history.map((h: { status: string }) => h.status), ['pending']);
  assert.match(delivery.estimated_delivery_date, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(await outboxFor(delivery.id), [{ type: EVENTS.deliveryCreated, data: { id: delivery.id, order_id: orderId, tracking_number: delivery.tracking_number, status: 'pending' } }]);
});

it('a redelivered order.confirmed, or another event for the same order, makes no second delivery', async () => {
  const orderId = freshId();
  const data = orderConfirmed(orderId, freshId());
  const eventId = randomUUID();
  assert.is((await deliver(url, EVENTS.orderConfirmed, data, eventId)).body.status, 'applied');
  assert.is((await deliver(url, EVENTS.orderConfirmed, data, eventId)).body.status, 'duplicate');
  assert.is((await deliver(url, EVENTS.orderConfirmed, data)).body.status, 'applied', 'a new event id about the same order');
  const sameOrder = async (id: number) => Number((await db.sequelize.query<{ count: number }>('SELECT COUNT(*) AS count FROM deliveries WHERE order_id = ?', { replacements: [id], type: QueryTypes.SELECT }))[0].count);
  // Several events about one new order at once: one creates it; a loser answers 409 (the broker retries) and its retry finds it made.
  const raced = orderConfirmed(freshId(), freshId());
  const ids = Array.from({ length: 5 }, () => randomUUID());
  const answers = await Promise.all(ids.map((id) => deliver(url, EVENTS.orderConfirmed, raced, id)));
  assert.ok(answers.every((a) => a.status === 200 || a.status === 409), JSON.stringify(answers));
  const retried = await Promise.all(ids.map((id) => deliver(url, EVENTS.orderConfirmed, raced, id)));
  assert.ok(retried.every((a) => a.status === 200), JSON.stringify(retried));
  assert.is(await sameOrder(raced.id), 1);
  const [{ count }] = await db.sequelize.query<{ count: number }>('SELECT COUNT(*) AS count FROM deliveries WHERE order_id = ?', { replacements: [orderId], type: QueryTypes.SELECT });
  assert.is(Number(count), 1);
  const [delivery] = await db.sequelize.query<{ id: number }>('SELECT id FROM deliveries WHERE order_id = ?', { replacements: [orderId], type: QueryTypes.SELECT });
  assert.is((await outboxFor(delivery.id)).length, 1, 'delivery.created emitted once');
});

it('an order.confirmed that does not match its contract is rejected for good (2xx, recorded), and creates nothing', async () => {
  const orderId = freshId();
  const { shipping_address: _missing, ...broken } = orderConfirmed(orderId, freshId());
  const answer = await deliver(url, EVENTS.orderConfirmed, broken);
  assert.equal([answer.status, answer.body.status], [200, 'rejected']);
  assert.match(answer.body.reason!, /shipping_address/);
  const [{ count }] = await db.sequelize.query<{ count: number }>('SELECT COUNT(*) AS count FROM deliveries WHERE order_id = ?', { replacements: [orderId], type: QueryTypes.SELECT });
  assert.is(Number(count), 0);
});

it('tracking is public, shows status and history, and no personal data beyond the city', async () => {
  const { id, tracking } = await deliveryAt('processing');
  await move(id, 'in_transit', { location: 'Plateforme de Wissous', note: 'Remis à Mme Curie en main propre' });
  for (const path of [`/deliveries/track/${tracking}`, `/track/${tracking}`, `/track/${tracking.toLowerCase().replace(/-/g, '')}`]) {
    const res = await call('GET', path);
    assert.is(res.status, 200, path);
    assert.equal([res.body.tracking_number, res.body.status, res.body.city, res.body.country_code], [tracking, 'in_transit', 'Paris', 'FR']);
    assert.equal(res.body.history.map((h: { status: string; location: string | null }) => [h.status, h.location]), [['pending', null], ['processing', null], ['in_transit', 'Plateforme de Wissous']]);
    assert.ok(res.body.shipped_at);
    for (const secret of ['Curie', 'Marie', '75005', 'Pierre', 'Bâtiment', '44 27', 'example.com', 'main propre', 'ORD-']) {
      assert.not.ok(res.text.includes(secret), `tracking leaks "${secret}"`);
    }
    for (const field of ['user_id', 'order_id', 'email', 'shipping_address', 'notes', 'recipient']) assert.not.ok(field in res.body, `tracking has ${field}`);
  }
  assert.is((await call('GET', '/track/TRK-0000-0000-0000')).status, 404);
  assert.is((await call('GET', `/track/${'X'.repeat(65)}`)).status, 422);
});

it('the legal path to delivered: history, dates, and status-changed events with growing sequence', async () => {
  const { id, orderId, tracking } = await deliveryAt('pending');
  const steps: Array<[DeliveryStatus, string | null]> = [
    ['processing', null], ['in_transit', 'Hub Lyon'], ['out_for_delivery', 'Paris 5e'], ['delivery_failed', 'Paris 5e'], ['out_for_delivery', null], ['delivered', 'Paris 5e'],
  ];
  for (const [status, location] of steps) {
    const res = await move(id, status, { location, note: `to ${status}` });
    assert.is(res.status, 200, res.text);
    assert.is(res.body.status, status);
  }
  const delivery = (await call('GET', `/deliveries/${id}`, { token: tokens.manager })).body;
  assert.equal(delivery.history.map((h: { status: string }) => h.status), ['pending', ...steps.map(([s]) => s)]);
  assert.is(delivery.history[6].note, 'to delivered');
  assert.ok(delivery.shipped_at && delivery.actual_delivery_date);
  const changes = (await outboxFor(id)).filter((e) => e.type === EVENTS.deliveryStatusChanged).map((e) => e.data);
  assert.equal(changes.map((c) => [c.from, c.to, c.sequence]), [
    ['pending', 'processing', 1], ['processing', 'in_transit', 2], ['in_transit', 'out_for_delivery', 3],
    ['out_for_delivery', 'delivery_failed', 4], ['delivery_failed', 'out_for_delivery', 5], ['out_for_delivery', 'delivered', 6],
  ]);
  assert.equal([changes[1].order_id, changes[1].tracking_number, changes[1].location, changes[1].id], [orderId, tracking, 'Hub Lyon', id]);
});

it('every move the lifecycle does not list answers 409 and changes nothing; every listed one works', async () => {
  for (const from of LIFECYCLE_STATUSES) {
    const shared = await deliveryAt(from);
    const eventsBefore = (await outboxFor(shared.id)).length;
    for (const to of LIFECYCLE_STATUSES) {
      if (TRANSITIONS[from].includes(to)) {
        const fresh = await deliveryAt(from);
        assert.is((await move(fresh.id, to)).status, 200, `${from} → ${to} is legal`);
      } else {
        const res = await move(shared.id, to);
        assert.is(res.status, 409, `${from} → ${to} is not`);
        assert.match(res.body.message, new RegExp(`from ${from} to ${to}`));
      }
    }
    assert.is((await call('GET', `/deliveries/${shared.id}`, { token: tokens.manager })).body.status, from);
    assert.is((await outboxFor(shared.id)).length, eventsBefore, 'a refused move emits nothing');
  }
});

it('status changes need orders.update; bad bodies are 422; unknown deliveries 404', async () => {
  const { id, userId } = await deliveryAt('pending');
  assert.is((await call('PUT', `/deliveries/${id}/status`, { body: { status: 'processing' } })).status, 401);
  assert.is((await move(id, 'processing', {}, tokens.customer(userId))).status, 403, 'not even the owner');
  assert.is((await move(id, 'processing', {}, tokens.support)).status, 403);
  assert.is((await call('PUT', `/deliveries/${id}/status`, { token: tokens.manager, body: {} })).status, 422);
  const unknown = await move(id, 'teleported');
  assert.equal([unknown.status, Object.keys(unknown.body.errors)], [422, ['status']]);
  assert.is((await move(id, 'processing', { location: 'x'.repeat(256) })).status, 422);
  assert.is((await move(99_999_999, 'processing')).status, 404);
  assert.is((await call('PUT', '/deliveries/abc/status', { token: tokens.manager, body: { status: 'processing' } })).status, 422);
  assert.is((await call('PATCH', `/deliveries/${id}/status`, { token: tokens.admin, body: { status: 'processing' } })).status, 200, 'PATCH too; super-admin passes');
});

it("customers see their own orders' deliveries only (404 for another's); staff with orders.view see all", async () => {
  const mine = await deliveryAt('pending');
  const theirs = await deliveryAt('pending');
  const me = tokens.customer(mine.userId);
  const list = await call('GET', '/deliveries', { token: me });
  assert.equal(list.body.data.map((d: { id: number }) => d.id), [mine.id]);
  assert.is((await call('GET', `/deliveries?order_id=${theirs.orderId}`, { token: me })).body.total, 0);
  assert.is((await call('GET', `/deliveries/${mine.id}`, { token: me })).body.recipient, 'Marie Curie');
  assert.is((await call('GET', `/deliveries/${theirs.id}`, { token: me })).status, 404);
  assert.is((await call('GET', `/deliveries/${theirs.id}`, { token: tokens.support })).status, 200);
  assert.ok((await call('GET', '/deliveries?per_page=100', { token: tokens.support })).body.total >= 2);
  assert.is((await call('GET', '/deliveries')).status, 401);
  assert.is((await call('GET', '/admin/deliveries', { token: me })).status, 403, "a customer's orders.view is not the administration's");
  assert.is((await call('GET', `/admin/deliveries/${mine.id}`, { token: me })).status, 403);
  assert.is((await call('GET', `/admin/deliveries/${mine.id}`, { token: tokens.support })).status, 200);
  const filtered = await call('GET', '/deliveries?status=pending&sort=-created_at&per_page=5', { token: tokens.manager });
  assert.ok(filtered.body.data.every((d: { status: string }) => d.status === 'pending'));
  assert.is((await call('GET', '/deliveries?status=nope', { token: tokens.manager })).status, 422);
  assert.is((await call('GET', '/deliveries?sort=city', { token: tokens.manager })).status, 422);
});

it('order.cancelled cancels a delivery whose parcel has not left, once; later ones are left alone', async () => {
  const cancel = (orderId: number, userId: number, id?: string) =>
    deliver(url, EVENTS.orderCancelled, { id: orderId, order_number: `ORD-2026-${orderId}`, user_id: userId, reason: 'customer request', previous_status: 'confirmed' }, id);
  for (const status of ['pending', 'processing', 'ready_for_pickup'] as DeliveryStatus[]) {
    const d = await deliveryAt(status);
    const eventId = randomUUID();
    assert.is((await cancel(d.orderId, d.userId, eventId)).body.status, 'applied');
    assert.is((await cancel(d.orderId, d.userId, eventId)).body.status, 'duplicate');
    const after = (await call('GET', `/deliveries/${d.id}`, { token: tokens.manager })).body;
    assert.is(after.status, 'cancelled', `${status} → cancelled`);
    assert.match(after.history.at(-1).note, /customer request/);
    const last = (await outboxFor(d.id)).at(-1)!;
    assert.equal([last.type, last.data.from, last.data.to, last.data.sequence], [EVENTS.deliveryStatusChanged, status, 'cancelled', PATH[status].length + 1]);
  }
  const shipped = await deliveryAt('in_transit');
  const before = (await outboxFor(shipped.id)).length;
  assert.is((await cancel(shipped.orderId, shipped.userId)).status, 200);
  assert.is((await call('GET', `/deliveries/${shipped.id}`, { token: tokens.manager })).body.status, 'in_transit');
  assert.is((await outboxFor(shipped.id)).length, before);
});

it('an order cancelled before its confirmation arrives gets no delivery', async () => {
  const orderId = freshId();
  const userId = freshId();
  await deliver(url, EVENTS.orderCancelled, { id: orderId, order_number: `ORD-2026-${orderId}`, user_id: userId, reason: 'customer request', previous_status: 'confirmed' });
  assert.is((await deliver(url, EVENTS.orderConfirmed, orderConfirmed(orderId, userId))).status, 200);
  assert.is((await call('GET', `/deliveries?order_id=${orderId}`, { token: tokens.manager })).body.total, 0);
});

it('admin deliveries: create (one per order), partial update with a lifecycle-checked status, soft delete', async () => {
  const orderId = freshId();
  const body = { order_id: orderId, user_id: freshId(), first_name: 'Louis', last_name: 'Pasteur', address_line_1: '25 rue du Docteur Roux', city: 'Paris', postal_code: '75015', country_code: 'fr', shipping_cost: 4.9, tracking_number: 'TRK-MINE', status_id: 7 };
  assert.is((await call('POST', '/admin/deliveries', { token: tokens.support, body })).status, 403);
  const created = await call('POST', '/admin/deliveries', { token: tokens.manager, body });
  assert.is(created.status, 201, created.text);
  assert.equal([created.body.status, created.body.shipping_cost, created.body.shipping_address.country_code], ['pending', '4.90', 'FR']);
  assert.is.not(created.body.tracking_number, 'TRK-MINE');
  assert.equal((await outboxFor(created.body.id)).map((e) => e.type), [EVENTS.deliveryCreated]);
  assert.is((await call('POST', '/admin/deliveries', { token: tokens.manager, body })).status, 409);
  const pickup = await call('POST', '/admin/deliveries', { token: tokens.manager, body: { ...body, order_id: freshId(), delivery_method: 'pickup' } });
  assert.equal([pickup.status, Object.keys(pickup.body.errors)], [422, ['sale_point_id']]);
  const missing = await call('POST', '/admin/deliveries', { token: tokens.manager, body: { order_id: freshId() } });
  assert.equal(Object.keys(missing.body.errors).sort(), ['address_line_1', 'city', 'country_code', 'first_name', 'last_name', 'postal_code', 'user_id']);

  const id = created.body.id;
  const updated = await call('PATCH', `/admin/deliveries/${id}`, { token: tokens.manager, body: { carrier: 'Colissimo', carrier_tracking_number: '6A12345678901', status: 'processing', location: 'Entrepôt' } });
  assert.is(updated.status, 200, updated.text);
  assert.equal([updated.body.carrier, updated.body.status, updated.body.shipping_address.city], ['Colissimo', 'processing', 'Paris']);
  assert.is((await call('PUT', `/admin/deliveries/${id}`, { token: tokens.manager, body: { status: 'processing', notes: 'fragile' } })).body.notes, 'fragile', 'its own status again is no move');
  assert.is((await call('PUT', `/admin/deliveries/${id}`, { token: tokens.manager, body: { status: 'delivered' } })).status, 409);
  assert.is((await call('PUT', `/admin/deliveries/${id}`, { token: tokens.manager, body: { sale_point_id: 99_999_999 } })).status, 422);
  const list = await call('GET', `/admin/deliveries?order_id=${orderId}`, { token: tokens.support });
  assert.equal([list.body.total, list.body.data[0].id], [1, id]);

  assert.is((await call('DELETE', `/admin/deliveries/${id}`, { token: tokens.support })).status, 403);
  assert.is((await call('DELETE', `/admin/deliveries/${id}`, { token: tokens.manager })).status, 204);
  assert.is((await call('GET', `/admin/deliveries/${id}`, { token: tokens.manager })).status, 404);
  assert.is((await call('GET', `/track/${created.body.tracking_number}`)).status, 404);
  assert.is((await call('POST', '/admin/deliveries', { token: tokens.manager, body })).status, 409, 'still that order\'s delivery');
});

it('malformed requests are 4xx, never 5xx', async () => {
  assert.is((await call('PUT', '/deliveries/1/status', { token: tokens.manager, raw: '{"status":' })).status, 400);
  assert.is((await call('GET', '/deliveries/0', { token: tokens.manager })).status, 422);
  assert.is((await call('GET', '/deliveries?per_page=0', { token: tokens.manager })).status, 422);
  assert.is((await call('POST', '/admin/deliveries', { token: tokens.manager, body: { order_id: -1, user_id: 'x', shipping_cost: '1.999', email: 'nope', estimated_delivery_date: 'tomorrow' } })).status, 422);
  const notEvent = await fetch(await eventsUrl(url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.is(notEvent.status, 400);
});

it.run();
