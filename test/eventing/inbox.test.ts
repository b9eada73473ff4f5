import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { CloudEvent, HTTP } from 'cloudevents';
import { QueryTypes } from 'sequelize';
import { migrateAndSeed } from '../../functions/kit/db';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { declareEvents } from '../../functions/kit/events/outbox';
import { eventTestService, tally } from '../helpers/event-service';
import { serveFunction } from '../helpers/serve';
import { eventsUrl } from '../helpers/events';

/** Receiving: what the broker's dispatcher sees when it POSTs events to a service. */
const it = suite('inbox: each event applied once');
let failures = 0;
const service = eventTestService('evinbox', { failTimes: () => failures-- });
let url: string;
let close: () => Promise<void>;

it.before(async () => {
  await migrateAndSeed(service.name, migrationsOf(service), []);
  declareEvents(service.emits!);
  const served = await serveFunction(createHttpFunction(service));
  url = served.url;
  close = served.close;
});
it.after(() => close());

const added = (data: object, id = randomUUID()) =>
  new CloudEvent({ id, type: 'ecommerce.evinbox.tally.added', source: '/evinbox', datacontenttype: 'application/json', data, requestid: 'req-from-event' });

async function deliver(event: CloudEvent<unknown>, mode: 'binary' | 'structured' = 'binary') {
  const message = mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
  const res = await fetch(await eventsUrl(url), { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
  return { status: res.status, headers: res.headers, body: (await res.json().catch(() => undefined)) as any };
}

it('an event is applied; the same event delivered again changes nothing', async () => {
  const name = `t-${randomUUID()}`;
  const event = added({ name, amount: 5 });
  assert.is((await deliver(event)).status, 200);
  const again = await deliver(event);
  assert.is(again.status, 200, 'a redelivery is acknowledged');
  assert.is(again.body.status, 'duplicate');
  assert.equal(await tally(service.db, name), { total: 5, applied: 1 });
});

it('concurrent redeliveries of one event apply it once', async () => {
  const name = `t-${randomUUID()}`;
  const event = added({ name, amount: 2 });
  const answers = await Promise.all(Array.from({ length: 8 }, () => deliver(event)));
  assert.ok(answers.every((a) => a.status === 200));
  assert.equal(await tally(service.db, name), { total: 2, applied: 1 });
});

it('structured mode is accepted too', async () => {
  const name = `t-${randomUUID()}`;
  assert.is((await deliver(added({ name, amount: 3 }), 'structured')).status, 200);
  assert.equal(await tally(service.db, name), { total: 3, applied: 1 });
});

it('a transient failure answers 5xx (the broker retries) and records nothing; the retry applies', async () => {
  const name = `t-${randomUUID()}`;
  const event = added({ name, amount: 4 });
  failures = 2;
  assert.is((await deliver(event)).status, 500);
  assert.is((await deliver(event)).status, 500);
  assert.is((await deliver(event)).status, 200);
  assert.equal(await tally(service.db, name), { total: 4, applied: 1 });
});

it('a permanent failure is recorded with its reason and acknowledged with 2xx, never 4xx', async () => {
  const event = added({ name: 'never', amount: -1 });
  const answer = await deliver(event);
  assert.is(answer.status, 200);
  assert.equal(answer.body, { status: 'rejected', reason: 'a tally never goes down' });
  const [row] = await service.db.sequelize.query<{ status: string; reason: string }>('SELECT status, reason FROM inbox_events WHERE event_id = ?', { replacements: [event.id], type: QueryTypes.SELECT });
  assert.equal(row, { status: 'rejected', reason: 'a tally never goes down' });
  assert.is((await deliver(event)).body.status, 'duplicate', 'and it is not tried again');
});

it('a handler may answer with a reply event, in binary mode', async () => {
  const name = `t-${randomUUID()}`;
  const answer = await deliver(added({ name, amount: 1, reply: true }));
  assert.is(answer.status, 200);
  assert.is(answer.headers.get('ce-type'), 'ecommerce.evinbox.tally.acknowledged');
  assert.is(answer.headers.get('ce-source'), '/evinbox');
  assert.is(answer.headers.get('ce-requestid'), 'req-from-event', 'the reply carries the request id');
  assert.equal(answer.body, { name });
});

it('a body that is not a CloudEvent is a 400; an unsubscribed type is acknowledged and ignored', async () => {
  const bad = await fetch(await eventsUrl(url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":1}' });
  assert.is(bad.status, 400);
  const other = new CloudEvent({ type: 'ecommerce.nobody.thing.happened', source: '/nobody', data: {} });
  const answer = await deliver(other);
  assert.equal([answer.status, answer.body.status], [200, 'ignored']);
});

it('only the broker delivers: without its credential an event is refused (401) and not applied', async () => {
  const name = `t-${randomUUID()}`;
  const message = HTTP.binary(added({ name, amount: 7 }));
  const forged = [`${url}/events`, `${url}/events/`, `${url}/events/not-the-credential`, `${url}//events`, `${url}/%65vents/x`];
  for (const target of forged) {
    const res = await fetch(target, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string });
    assert.is(res.status, 401, target);
  }
  const otherService = (await eventsUrl(url)).replace(/[^/]+$/, (credential) => credential.split('').reverse().join(''));
  assert.is((await fetch(otherService, { method: 'POST', headers: message.headers as Record<string, string>, body: message.body as string })).status, 401);
  assert.is(await tally(service.db, name), undefined, 'nothing applied');
});

it.run();
