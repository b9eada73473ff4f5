import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { migrateAndSeed } from '../../functions/kit/db';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { declareEvents, emit } from '../../functions/kit/events/outbox';
import { startBroker, type RunningBroker } from '../../eventing/broker';
import { publishCredential } from '../../functions/kit/credentials';
import { deleteTopology } from '../../eventing/broker/topology';
import { deliveryPath, triggersOf } from '../../eventing/triggers';
import { eventTestService, outboxRows, tally } from '../helpers/event-service';
import { serveFunction } from '../helpers/serve';
import { client, type Call } from '../helpers/http';
import { eventually } from '../helpers/eventually';

/** Emitting: a change and its events commit together; the relay gets them to the real broker. */
const it = suite('outbox: no event lost, none applied twice');
const service = eventTestService('evoutbox');
const brokerName = `test-outbox-${process.pid}`;
let broker: RunningBroker;
let call: Call;
const closers: Array<() => Promise<void>> = [];

it.before(async () => {
  await migrateAndSeed(service.name, migrationsOf(service), []);
  await service.db.sequelize.query('DELETE FROM outbox_events'); // what an earlier run left unsent
  declareEvents(service.emits!);
  const served = await serveFunction(createHttpFunction(service));
  closers.push(served.close);
  call = client(served.url);
  broker = await startBroker({
    port: 0,
    publishToken: publishCredential()!,
    rabbitmqUrl: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    brokerName,
    triggers: triggersOf([service]).map((t) => ({ ...t, broker: brokerName, delivery: { ...t.delivery, backoffDelay: 'PT0.05S' } })),
    resolveSubscriber: (t) => `${served.url}${deliveryPath(t)}`,
    pingIntervalMs: 500,
  });
  process.env.K_SINK = broker.url;
});

it.after(async () => {
  delete process.env.K_SINK;
  await broker.stop();
  const connection = await amqp.connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  await deleteTopology(channel, brokerName, triggersOf([service]).map((t) => t.name));
  await connection.close();
  for (const close of closers) await close();
});

it('a committed change sends its event through the broker; the subscriber applies it once', async () => {
  const name = `c-${randomUUID()}`;
  assert.is((await call('POST', `/tallies/${name}`, { body: { amount: 7 } })).status, 201);
  const applied = await eventually(() => tally(service.db, name), (t) => t?.total === 7, 'the tally applied');
  assert.equal(applied, { total: 7, applied: 1 });
  const rows = (await outboxRows(service.db)).filter((r) => JSON.parse(r.data).name === name);
  assert.is(rows.length, 1);
  assert.ok(rows[0].sent_at, 'marked sent once the broker took it');
});

it('a rolled-back change leaves no event', async () => {
  const name = `r-${randomUUID()}`;
  assert.is((await call('POST', `/tallies/${name}`, { body: { amount: 1, fail: true } })).status, 500);
  await new Promise((r) => setTimeout(r, 300));
  assert.is((await outboxRows(service.db)).filter((r) => JSON.parse(r.data).name === name).length, 0);
  assert.is(await tally(service.db, name), undefined);
});

it('emitted data is checked against its declared schema; undeclared types are refused', async () => {
  await service.db.sequelize.transaction(async (transaction) => {
    let refused = 0;
    await emit(transaction, 'ecommerce.evoutbox.tally.added', 'x', { name: 'x' }).catch(() => refused++);
    await emit(transaction, 'ecommerce.evoutbox.nothing.happened', 'x', {}).catch(() => refused++);
    assert.is(refused, 2);
    throw new Error('rollback');
  }).catch(() => undefined);
});

it('RabbitMQ stopped while changes commit: they commit, the events wait, then all arrive once', async () => {
  const names = Array.from({ length: 20 }, (_, i) => `down-${i}-${randomUUID()}`);
  execFileSync('rabbitmqctl', ['stop_app'], { stdio: 'ignore' });
  try {
    for (const name of names) assert.is((await call('POST', `/tallies/${name}`, { body: { amount: 1 } })).status, 201, 'the change commits');
    const waiting = await eventually(() => outboxRows(service.db), (rows) => names.every((n) => rows.some((r) => JSON.parse(r.data).name === n && r.attempts > 0)), 'every event attempted', 10_000);
    assert.ok(waiting.filter((r) => names.includes(JSON.parse(r.data).name)).every((r) => !r.sent_at), 'nothing is marked sent while the broker refuses');
  } finally {
    execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore' });
  }
  const tallies = await eventually(() => Promise.all(names.map((n) => tally(service.db, n))), (all) => all.every((t) => t?.total === 1), 'every tally applied once', 60_000);
  assert.equal(tallies, names.map(() => ({ total: 1, applied: 1 })), 'every event arrived, none applied twice');
  const rows = (await outboxRows(service.db)).filter((r) => names.includes(JSON.parse(r.data).name));
  assert.ok(rows.every((r) => r.sent_at));
});

it.run();
