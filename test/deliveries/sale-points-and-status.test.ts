import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { distanceKm, boundingBox } from '../../functions/deliveries/geo';
import { estimatedDeliveryDate } from '../../functions/deliveries/deliveries';
import { normalizeTrackingNumber, newTrackingNumber } from '../../functions/deliveries/tracking-number';
import { deliveries } from '../../functions/deliveries';
import { adminRoutesNotAnswering } from '../helpers/admin';
import type { Call } from '../helpers/http';
import { freshId, serveDeliveries, tokens } from './helpers';

const it = suite('deliveries: sale points, nearby, statuses');
let call: Call;
let close: () => Promise<void>;

it.before(async () => {
  ({ call, close } = await serveDeliveries());
});
it.after(() => close());

const PARIS = { lat: 48.8566, lng: 2.3522 };
const LYON = { lat: 45.764, lng: 4.8357 };

it('great-circle distances: Paris–Lyon ≈ 392 km, symmetric, zero to itself; the box holds the circle', () => {
  const d = distanceKm(PARIS, LYON);
  assert.ok(d > 391 && d < 393, `Paris–Lyon is ${d}`);
  assert.is(distanceKm(LYON, PARIS), d);
  assert.is(distanceKm(PARIS, PARIS), 0);
  assert.ok(Math.abs(distanceKm({ lat: 0, lng: 179.9 }, { lat: 0, lng: -179.9 }) - 22.24) < 0.01, 'across the antimeridian');
  const box = boundingBox(PARIS, 10);
  assert.ok(box.lng && box.lng.min < 2.22 && box.lng.max > 2.48 && box.lat.min < 48.767 && box.lat.max > 48.946);
  assert.is(boundingBox({ lat: 0, lng: 179.95 }, 10).lng, null, 'no longitude cut across the antimeridian');
});

it('tracking numbers are readable and found however they are typed; estimated dates skip weekends', () => {
  const number = newTrackingNumber();
  assert.match(number, /^TRK-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  assert.is(normalizeTrackingNumber(` ${number.toLowerCase().replace(/-/g, ' ')} `), number);
  assert.is(estimatedDeliveryDate('standard', new Date('2026-03-06T10:00:00Z')), '2026-03-11', 'Friday + 3 business days');
  assert.is(estimatedDeliveryDate('express', new Date('2026-03-07T10:00:00Z')), '2026-03-09', 'Saturday + 1');
});

it('seeded sale points: public list (active only), search, one; inactive or unknown 404', async () => {
  const list = await call('GET', '/sale-points?per_page=100');
  assert.is(list.status, 200);
  const codes = list.body.data.map((p: { code: string }) => p.code);
  for (const code of ['PAR-BASTILLE', 'LYS-PARTDIEU', 'MRS-VIEUXPORT']) assert.ok(codes.includes(code), code);
  const lyon = await call('GET', '/sale-points?city=Lyon');
  assert.ok(lyon.body.data.every((p: { city: string }) => p.city === 'Lyon') && lyon.body.total >= 1);
  const search = await call('GET', '/sale-points?search=part-dieu');
  assert.is(search.body.data[0].code, 'LYS-PARTDIEU');
  const one = await call('GET', `/sale-points/${search.body.data[0].id}`);
  assert.equal([one.body.city, one.body.postal_code, typeof one.body.latitude, one.body.opening_hours.sunday], ['Lyon', '69003', 'number', 'closed']);
  assert.is((await call('GET', '/sale-points/99999999')).status, 404);
  assert.is((await call('GET', '/sale-points?sort=phone')).status, 422);
});

it('nearby: within the radius only, nearest first, with distance_km; the seeded Paris relays', async () => {
  // A spot of its own each run, so earlier runs' points never interfere.
  const center = { lat: -40 + Math.random() * 20, lng: -150 + Math.random() * 20 };
  const created: number[] = [];
  const place = async (name: string, dLat: number, is_active = true) => {
    const res = await call('POST', '/admin/sale-points', {
      token: tokens.manager,
      body: { name, code: `T-${freshId()}`, address: '1 rue du Test', city: 'Testville', postal_code: '00000', latitude: center.lat + dLat, longitude: center.lng, is_active },
    });
    assert.is(res.status, 201, res.text);
    created.push(res.body.id);
    return res.body.id as number;
  };
  const far = await place('far', 0.2); // 22.24 km
  const near = await place('near', 0.01); // 1.11 km
  const mid = await place('mid', -0.05); // 5.56 km
  await place('closed', 0.005, false);
  const around = (query: string) => call('GET', `/sale-points/nearby?lat=${center.lat}&lng=${center.lng}${query}`);
  const byDefault = await around('');
  assert.is(byDefault.status, 200, byDefault.text);
  assert.equal(byDefault.body.data.map((p: { id: number }) => p.id), [near, mid], 'radius 10 km by default; the closed one is left out');
  assert.equal(byDefault.body.data.map((p: { distance_km: number }) => p.distance_km), [1.11, 5.56]);
  const wider = await around('&radius=25');
  assert.equal(wider.body.data.map((p: { id: number }) => p.id), [near, mid, far]);
  assert.is(wider.body.data[2].distance_km, 22.24);
  const paged = await around('&radius=25&per_page=2&page=2');
  assert.equal([paged.body.total, paged.body.last_page, paged.body.data.map((p: { id: number }) => p.id)], [3, 2, [far]]);
  assert.is((await around('&radius=1')).body.total, 0);

  const paris = await call('GET', '/sale-points/nearby?lat=48.8530&lng=2.3499&radius=3');
  assert.equal(paris.body.data.map((p: { code: string }) => p.code), ['PAR-BASTILLE', 'PAR-MONTPARNASSE']);
  assert.ok(paris.body.data[0].distance_km > 1.5 && paris.body.data[0].distance_km < 1.8, `${paris.body.data[0].distance_km}`);

  for (const bad of ['lat=91&lng=0', 'lat=0&lng=-181', 'lat=0&lng=0&radius=0', 'lat=0&lng=0&radius=101', 'lng=2', 'lat=abc&lng=2', 'lat=0&lng=0&per_page=1000']) {
    assert.is((await call('GET', `/sale-points/nearby?${bad}`)).status, 422, bad);
  }
  for (const id of created) assert.is((await call('DELETE', `/admin/sale-points/${id}`, { token: tokens.manager })).status, 204);
  assert.is((await around('&radius=25')).body.total, 0, 'deleted ones are gone');
});

it('admin sale points: CRUD with orders.update (reads orders.view); unique code; soft delete; inactive hidden from the public', async () => {
  const code = `T-${freshId()}`;
  const body = {
    name: 'Relais Test', code, address: '3 place Bellecour', city: 'Lyon', postal_code: '69002', latitude: 45.7578, longitude: 4.832,
    phone: '+33 4 72 00 00 00', email: 'bellecour@relais-colis.example.fr', opening_hours: { monday: '09:00-19:00', sunday: 'closed', holidays: 'never' },
  };
  assert.is((await call('POST', '/admin/sale-points', { body })).status, 401);
  assert.is((await call('POST', '/admin/sale-points', { token: tokens.support, body })).status, 403);
  assert.is((await call('POST', '/admin/sale-points', { token: tokens.manager, body: { ...body, latitude: 95 } })).status, 422);
  const created = await call('POST', '/admin/sale-points', { token: tokens.manager, body });
  assert.is(created.status, 201, created.text);
  assert.equal(created.body.opening_hours, { monday: '09:00-19:00', sunday: 'closed' }, 'unknown days are dropped');
  assert.is((await call('POST', '/admin/sale-points', { token: tokens.manager, body })).status, 409);
  const id = created.body.id;
  const off = await call('PATCH', `/admin/sale-points/${id}`, { token: tokens.manager, body: { is_active: false } });
  assert.equal([off.body.is_active, off.body.name], [false, 'Relais Test']);
  assert.is((await call('GET', `/sale-points/${id}`)).status, 404, 'closed: not public');
  assert.is((await call('GET', `/admin/sale-points/${id}`, { token: tokens.support })).body.code, code);
  assert.is((await call('GET', `/admin/sale-points?search=${code}`, { token: tokens.support })).body.total, 1);
  assert.is((await call('DELETE', `/admin/sale-points/${id}`, { token: tokens.manager })).status, 204);
  assert.is((await call('GET', `/admin/sale-points/${id}`, { token: tokens.manager })).status, 404);
});

it("a customer (who holds orders.view for their own orders) gets 403 on every /admin route: sale points, statuses, deliveries; staff read them", async () => {
  const customer = tokens.customer(freshId());
  assert.equal(await adminRoutesNotAnswering(deliveries, call, customer, 403), []);
  assert.is((await call('GET', '/deliveries', { token: customer })).status, 200, 'their own deliveries still answer');
  assert.is((await call('GET', '/sale-points')).status, 200, 'the public sale points too');
  for (const path of ['/admin/sale-points', '/admin/status', '/admin/status/statistics', '/admin/deliveries']) {
    assert.is((await call('GET', path, { token: tokens.support })).status, 200, path);
  }
});

it('statuses: the ten seeded with colour and description; statistics; admin CRUD keeps the lifecycle ones', async () => {
  const list = await call('GET', '/status?per_page=100');
  const names = list.body.data.map((s: { name: string }) => s.name);
  assert.equal(names.slice(0, 10), ['pending', 'processing', 'ready_for_pickup', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'delivery_failed', 'returned', 'cancelled']);
  const pending = list.body.data[0];
  assert.match(pending.color, /^#[0-9A-F]{6}$/);
  assert.ok(pending.description);
  assert.is((await call('GET', `/status/${pending.id}`)).body.name, 'pending');
  assert.is((await call('GET', '/status/99999999')).status, 404);

  const stats = await call('GET', '/status/statistics');
  assert.is(stats.status, 200);
  assert.ok(stats.body.by_status.some((s: { name: string; count: number }) => s.name === 'pending' && typeof s.count === 'number'));
  assert.is(stats.body.total, stats.body.by_status.reduce((sum: number, s: { count: number }) => sum + s.count, 0));
  assert.is((await call('GET', '/admin/status/statistics', { token: tokens.support })).status, 200);
  assert.is((await call('GET', '/admin/status/statistics')).status, 401);

  const name = `held_${freshId()}`;
  assert.is((await call('POST', '/admin/status', { token: tokens.support, body: { name } })).status, 403);
  assert.is((await call('POST', '/admin/status', { token: tokens.manager, body: { name: 'Not A Name' } })).status, 422);
  const created = await call('POST', '/admin/status', { token: tokens.manager, body: { name, color: '#123456', description: 'Retenu en douane' } });
  assert.is(created.status, 201, created.text);
  assert.is((await call('POST', '/admin/status', { token: tokens.manager, body: { name } })).status, 409);
  assert.is((await call('GET', `/admin/status/${created.body.id}`, { token: tokens.support })).body.name, name);
  assert.is((await call('PUT', `/admin/status/${pending.id}`, { token: tokens.manager, body: { name: 'waiting' } })).status, 409);
  assert.is((await call('PUT', `/admin/status/${pending.id}`, { token: tokens.manager, body: { color: '#AAAAAA' } })).body.color, '#AAAAAA', 'its colour may change');
  await call('PUT', `/admin/status/${pending.id}`, { token: tokens.manager, body: { color: pending.color } });
  assert.is((await call('DELETE', `/admin/status/${pending.id}`, { token: tokens.manager })).status, 409);
  assert.is((await call('GET', `/status/${pending.id}`)).status, 200, 'still there');
  assert.is((await call('DELETE', `/admin/status/${created.body.id}`, { token: tokens.manager })).status, 204);
});

it('health', async () => {
  assert.equal((await call('GET', '/health')).body, { status: 'ok', service: 'deliveries', database: 'up' });
});

it.run();
