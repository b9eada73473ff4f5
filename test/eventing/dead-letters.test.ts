/**
 * The dead-letter keeper (eventing/dead-letters), the cluster's dead-letter sink, against the real
 * MySQL and RabbitMQ: it keeps what eventing-rabbitmq's DLQ dispatcher POSTs, refuses anyone
 * without the credential, lists it, and replays it through a real broker (the local one) to the
 * subscriber, once.
 */
import '../helpers/env';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as amqp from 'amqplib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryTypes } from 'sequelize';
import { startBroker, type RunningBroker } from '../../eventing/broker/broker';
import { deleteTopology } from '../../eventing/broker/topology';
import type { Trigger } from '../../eventing/trigger';
import { runDeadLettersCommand } from '../../eventing/dead-letters/cli';
import { DEAD_LETTERS_FUNCTION, listKept, replayKept } from '../../eventing/dead-letters/store';
import { connect } from '../../functions/kit/db';
import { deliveryCredential, publishCredential } from '../../functions/kit/credentials';
import { loggableUrl } from '../../functions/kit/redact';
import { migrateAll } from '../../scripts/migrate';
import { serveFunction } from '../helpers/serve';
import { eventually } from '../helpers/eventually';

const RABBITMQ_URL = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const BROKER = `test-dead-letters-${RUN}`;
const sequelize = connect(DEAD_LETTERS_FUNCTION);

// A subscriber that fails until told otherwise, recording what it is sent.
const received: Array<{ headers: http.IncomingHttpHeaders; body: Buffer }> = [];
let healthy = false;
const subscriber = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({ headers: request.headers, body: Buffer.concat(chunks) });
    response.writeHead(healthy ? 200 : 503).end(healthy ? undefined : 'orders database down');
  });
});
const deliveriesOf = (id: string) => received.filter((r) => r.headers['ce-id'] === id);

let keeper: { url: string; close(): Promise<void> };
let broker: RunningBroker;
let sinkUrl = '';

const trigger: Trigger = {
  name: 'orders-order-placed',
  broker: BROKER,
  filter: { type: 'test.dead.order-placed' },
  subscriber: { service: 'orders', path: '/events/orders-credential' },
  delivery: { retry: 1, backoffPolicy: 'linear', backoffDelay: 'PT0.05S', timeout: 'PT2S' },
  parallelism: 1,
};

/** A dead event as eventing-rabbitmq's DLQ dispatcher POSTs it: binary mode, its attributes and the failure extensions as ce-* headers. */
function rabbitmqDeadLetter(id: string, data: unknown) {
  return {
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-source': '/ecommerce/orders',
    'ce-type': 'test.dead.order-placed',
    'ce-time': '2026-05-01T10:00:00.123Z',
    'ce-requestid': 'req-42',
    'ce-knativeerrordest': 'http://orders.shop.svc.cluster.local/events/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'ce-knativeerrorcode': '500',
    'content-type': 'application/json',
    body: JSON.stringify(data),
  };
}

async function postDeadLetter(path: string, message: Record<string, string>): Promise<Response> {
  const { body, ...headers } = message;
  return fetch(`${keeper.url}${path}`, { method: 'POST', headers, body });
}

const rows = () => sequelize.query<{ event_id: string; failures: number; replayed_at: Date | null }>(
  'SELECT event_id, failures, replayed_at FROM dead_letters ORDER BY id', { type: QueryTypes.SELECT },
);

/** What the CLI prints, and its exit code. */
async function cli(...argv: string[]): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = console.error = (...parts: unknown[]) => void lines.push(parts.join(' '));
  try {
    return { code: await runDeadLettersCommand(argv), output: lines.join('\n') };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

test.before(async () => {
  // Through the migration script, as the chart's Job runs it: the keeper is migrated when named.
  assert.equal(await migrateAll([DEAD_LETTERS_FUNCTION]), [DEAD_LETTERS_FUNCTION]);
  await sequelize.query('DELETE FROM dead_letters');
  const { loadFunction } = await import('../../functions/catalog');
  loadFunction(DEAD_LETTERS_FUNCTION);
  const { registeredFunction } = await import('../../functions/kit/functions');
  keeper = await serveFunction(registeredFunction(DEAD_LETTERS_FUNCTION)!);
  sinkUrl = `${keeper.url}/dead-letters/${deliveryCredential(DEAD_LETTERS_FUNCTION)}`;
  await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
  const subscriberBase = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}`;
  // The broker dead-letters to the keeper, as the chart's Broker does in a cluster.
  trigger.delivery.deadLetterSink = sinkUrl;
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  broker = await startBroker({
    port, rabbitmqUrl: RABBITMQ_URL, brokerName: BROKER, publishToken: publishCredential()!, triggers: [trigger],
    resolveSubscriber: (t) => `${subscriberBase}${t.subscriber.path}`, pingIntervalMs: 0,
  });
  process.env.K_SINK = broker.url;
});

test.after(async () => {
  delete process.env.K_SINK;
  await broker?.stop();
  await keeper?.close();
  subscriber.closeAllConnections();
  subscriber.close();
  const connection = await amqp.connect(RABBITMQ_URL);
  await deleteTopology(await connection.createChannel(), BROKER, [trigger.name]);
  await connection.close();
  await sequelize.close();
});

test("keeps a dead event POSTed as eventing-rabbitmq's DLQ dispatcher does, once however often it comes", async () => {
  const message = rabbitmqDeadLetter(`${RUN}-rabbitmq`, { order_id: 7, total: '19.90' });
  for (let i = 0; i < 2; i += 1) {
    const response = await postDeadLetter(`/dead-letters/${deliveryCredential(DEAD_LETTERS_FUNCTION)}`, message);
    assert.is(response.status, 202);
    assert.is(await response.text(), '', 'no body: an event in the answer would be published back');
  }
  const [row] = await sequelize.query<{ attributes: string; data: Buffer; error_code: string; destination: string; failures: number }>(
    'SELECT attributes, data, error_code, destination, failures FROM dead_letters WHERE event_id = ?', { replacements: [`${RUN}-rabbitmq`], type: QueryTypes.SELECT },
  );
  assert.is(Number(row.failures), 1, 'a second delivery of the same dead letter is the same dead letter');
  assert.is(row.error_code, '500');
  // Which function failed, without its delivery credential (whoever reads the table could use it).
  assert.is(row.destination, 'http://orders.shop.svc.cluster.local/events/[redacted]');
  assert.not.match(row.attributes, /0123456789abcdef/);
  assert.is(Buffer.from(row.data).toString('utf8'), message.body, 'the data byte for byte');
  const attributes = JSON.parse(row.attributes);
  assert.is(attributes.requestid, 'req-42');
  assert.is(attributes.time, '2026-05-01T10:00:00.123Z');
  assert.is(attributes.datacontenttype, 'application/json');
  assert.is(attributes.knativeerrorcode, '500');
});

test('refuses a dead letter without the credential (401), and what is not a CloudEvent (400), keeping nothing', async () => {
  const before = (await rows()).length;
  const message = rabbitmqDeadLetter(`${RUN}-forged`, { forged: true });
  assert.is((await postDeadLetter('/dead-letters', message)).status, 401);
  assert.is((await postDeadLetter(`/dead-letters/${deliveryCredential('orders')}`, message)).status, 401, "another function's credential");
  const { 'ce-id': _id, ...withoutId } = message;
  assert.is((await postDeadLetter(`/dead-letters/${deliveryCredential(DEAD_LETTERS_FUNCTION)}`, withoutId)).status, 400);
  assert.is((await rows()).length, before);
  // The access log never shows the credential either.
  assert.is(loggableUrl(`/dead-letters/${deliveryCredential(DEAD_LETTERS_FUNCTION)}`), '/dead-letters/[redacted]');
});

test('a real broker dead-letters to the keeper; list shows both dead events, the credential in their destination redacted', async () => {
  const response = await fetch(broker.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${publishCredential()}`, 'ce-specversion': '1.0', 'ce-id': `${RUN}-broker`, 'ce-source': '/ecommerce/orders',
      'ce-type': 'test.dead.order-placed', 'content-type': 'application/json',
    },
    body: JSON.stringify({ order_id: 8 }),
  });
  assert.is(response.status, 202);
  await eventually(() => listKept(sequelize), (letters) => letters.some((l) => l.id === `${RUN}-broker`), 'the dead letter in the keeper', 10_000);
  assert.is(deliveriesOf(`${RUN}-broker`).length, 2, 'one attempt and one retry before it was dead-lettered');
  const letters = await listKept(sequelize);
  assert.equal(letters.map((l) => l.id), [`${RUN}-rabbitmq`, `${RUN}-broker`]);
  assert.equal(letters.map((l) => l.code), ['500', '503']);
  assert.is(letters[0].destination, 'http://orders.shop.svc.cluster.local/events/[redacted]');
  assert.ok(letters[1].destination.endsWith('/events/[redacted]'));
  const { code, output } = await cli('list');
  assert.is(code, 0);
  assert.match(output, /^ID +TYPE +SOURCE +CODE +DESTINATION +FAILED AT +FAILURES$/m);
  assert.match(output, new RegExp(`^${RUN}-rabbitmq +test\\.dead\\.order-placed +/ecommerce/orders +500 `, 'm'));
  assert.not.match(output, /0123456789abcdef/, 'no credential printed');
  assert.match((await cli('list', `${RUN}-broker`)).output, new RegExp(`^${RUN}-broker `, 'm'));
  assert.not.match((await cli('list', `${RUN}-broker`)).output, /-rabbitmq/);
});

test('a replay the broker refuses (no publish credential) leaves the events pending', async () => {
  const outcome = await replayKept(sequelize, { sink: broker.url });
  assert.equal(outcome.replayed, []);
  assert.equal(outcome.failed.map((f) => f.reason), ['HTTP 401', 'HTTP 401']);
  assert.is((await listKept(sequelize)).length, 2);
});

test('replay publishes each event once more through the broker: the subscriber gets it exactly once, as first published', async () => {
  healthy = true;
  const before = { rabbitmq: deliveriesOf(`${RUN}-rabbitmq`).length, broker: deliveriesOf(`${RUN}-broker`).length };
  const { code, output } = await cli('replay');
  assert.is(code, 0, output);
  assert.match(output, /^2 event\(s\) replayed to http:\/\/127\.0\.0\.1:\d+\/local\//m);
  await eventually(async () => deliveriesOf(`${RUN}-rabbitmq`).length, (n) => n > before.rabbitmq, 'the replayed event', 10_000);
  await eventually(async () => deliveriesOf(`${RUN}-broker`).length, (n) => n > before.broker, 'the replayed event', 10_000);
  // Nothing else comes: not a second copy, not the other replayed event twice.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.is(deliveriesOf(`${RUN}-rabbitmq`).length, before.rabbitmq + 1);
  assert.is(deliveriesOf(`${RUN}-broker`).length, before.broker + 1);
  const replayed = deliveriesOf(`${RUN}-rabbitmq`).at(-1)!;
  assert.equal(JSON.parse(replayed.body.toString()), { order_id: 7, total: '19.90' });
  assert.is(replayed.headers['ce-source'], '/ecommerce/orders');
  assert.is(replayed.headers['ce-requestid'], 'req-42');
  assert.is(replayed.headers['ce-time'], '2026-05-01T10:00:00.123Z');
  assert.not.ok(Object.keys(replayed.headers).some((h) => h.startsWith('ce-knativeerror')), 'without the failure extensions');
  assert.equal(await listKept(sequelize), [], 'nothing pending');
  assert.ok((await rows()).every((r) => r.replayed_at !== null), 'kept as a record');
  // A second replay has nothing to send.
  assert.match((await cli('replay')).output, /^0 event\(s\) replayed/m);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.is(deliveriesOf(`${RUN}-rabbitmq`).length, before.rabbitmq + 1);
});

test('an event that fails again while its replay is under way stays pending', async () => {
  // A sink that, before it answers, has the event dead-lettered again (a subscriber failing at once).
  const sink = http.createServer((request, response) => {
    request.resume().on('end', async () => {
      const again = await postDeadLetter(`/dead-letters/${deliveryCredential(DEAD_LETTERS_FUNCTION)}`, rabbitmqDeadLetter(String(request.headers['ce-id']), { order_id: 9 }));
      response.writeHead(again.status === 202 ? 202 : 500).end();
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  try {
    const id = `${RUN}-racing`;
    assert.is((await postDeadLetter(`/dead-letters/${deliveryCredential(DEAD_LETTERS_FUNCTION)}`, rabbitmqDeadLetter(id, { order_id: 9 }))).status, 202);
    const outcome = await replayKept(sequelize, { sink: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`, ids: [id] });
    assert.equal(outcome, { replayed: [id], failed: [] });
    assert.equal((await listKept(sequelize, [id])).map((l) => l.id), [id], 'still pending: its new failure came after the replay began');
    await sequelize.query('DELETE FROM dead_letters WHERE event_id = ?', { replacements: [id] });
  } finally {
    sink.closeAllConnections();
    sink.close();
  }
});

test('an event that fails again after its replay is pending again, its failures counted', async () => {
  const response = await postDeadLetter(`/dead-letters/${deliveryCredential(DEAD_LETTERS_FUNCTION)}`, rabbitmqDeadLetter(`${RUN}-rabbitmq`, { order_id: 7, total: '19.90' }));
  assert.is(response.status, 202);
  const [letter] = await listKept(sequelize);
  assert.is(letter.id, `${RUN}-rabbitmq`);
  assert.is(letter.failures, 2);
  assert.is((await listKept(sequelize)).length, 1);
});

test.run();
