/**
 * The local Knative broker against the real RabbitMQ (RABBITMQ_URL, default the local one).
 * Each run uses its own broker name, so its queues and exchange are its own, and deletes them at the end.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import * as amqp from 'amqplib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Trigger, TriggerDelivery } from '../../eventing/trigger';
import { startBroker, type RunningBroker } from '../../eventing/broker/broker';
import { listDeadLetters, replayDeadLetters } from '../../eventing/broker/dlq';
import { parseDuration } from '../../eventing/broker/duration';
import { deleteTopology } from '../../eventing/broker/topology';
import { log } from '../../functions/kit/log';

const RABBITMQ_URL = process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
const BROKER = `test-broker-${RUN}`;
const PERF_BROKER = `test-perf-${RUN}`;
const SLOW_BROKER = `test-slow-${RUN}`;
const SOURCE_QUEUE = `test-source-${RUN}`;
const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------
// A throwaway subscriber: records every POST per path and answers as the test tells it to.

interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}
const received = new Map<string, Received[]>();
const answers = new Map<string, (request: Received, attempt: number) => Answer>();
const deliveries = (path: string) => received.get(path) ?? [];

const subscriber = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const path = request.url ?? '/';
    const entry: Received = { at: performance.now(), headers: request.headers, body: Buffer.concat(chunks) };
    const list = received.get(path) ?? [];
    list.push(entry);
    received.set(path, list);
    const answer = answers.get(path)?.(entry, list.length) ?? { status: 200 };
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  });
});

/** Ports 3xxxx only (others use 8000-8200, 9000, 18000-29999). */
async function listenOn3xxxx(server: http.Server): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = 30_000 + Math.floor(Math.random() * 10_000);
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return (server.address() as AddressInfo).port;
  }
  throw new Error('no free port in 30000-39999');
}

async function freePort3xxxx(): Promise<number> {
  const probe = http.createServer();
  const port = await listenOn3xxxx(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const quick: TriggerDelivery = { retry: 0, backoffPolicy: 'exponential', backoffDelay: 'PT0.05S', timeout: 'PT2S' };

function trigger(name: string, filter: Record<string, string>, delivery: Partial<TriggerDelivery> = {}, parallelism = 4, broker = BROKER): Trigger {
  return { name, broker, filter, subscriber: { service: 'test', path: `/${name}` }, delivery: { ...quick, ...delivery }, parallelism };
}

let subscriberBase = '';
const resolveSubscriber = (t: Trigger) => `${subscriberBase}${t.subscriber.path}`;

let broker: RunningBroker;

let sequence = 0;
const newId = () => `${RUN}-${(sequence += 1)}`;

async function postBinary(url: string, attributes: Record<string, string>, data?: unknown): Promise<Response> {
  const headers: Record<string, string> = { 'ce-specversion': '1.0', 'ce-id': newId() };
  for (const [name, value] of Object.entries(attributes)) headers[`ce-${name}`] = value;
  if (data !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, { method: 'POST', headers, body: data === undefined ? undefined : JSON.stringify(data) });
}

async function publish(attributes: Record<string, string>, data?: unknown): Promise<string> {
  const id = newId();
  const response = await postBinary(broker.url, { ...attributes, id }, data);
  assert.is(response.status, 202, `ingress answered ${response.status}: ${await response.text()}`);
  return id;
}

async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const idOf = (r: Received) => String(r.headers['ce-id']);

// ---------------------------------------------------------------------------------------------

const triggers: Trigger[] = [
  trigger('basic', { type: 'test.basic', source: '/test' }),
  trigger('everything', {}, {}, 8),
  trigger('flaky', { type: 'test.flaky' }, { retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT0.05S' }),
  trigger('failing', { type: 'test.failing' }, { retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT0.05S', deadLetterSink: 'PLACEHOLDER' }),
  trigger('bad', { type: 'test.bad' }, { retry: 3 }),
  trigger('ordered', { type: 'test.ordered' }, { retry: 2, backoffDelay: 'PT0.02S' }, 1),
  trigger('replier', { type: 'test.request' }),
  trigger('replies', { type: 'test.reply' }),
  trigger('bridged', { type: 'test.bridged', source: '/test/bridge' }),
  trigger('ticks', { type: 'dev.knative.sources.ping', source: '/local/ping' }),
  trigger('after-reconnect', { type: 'test.reconnect' }),
];
const savedLevel = log.level;

test.before(async () => {
  if (!process.env.LOG_LEVEL) log.level = 'error';
  const port = await listenOn3xxxx(subscriber);
  subscriberBase = `http://127.0.0.1:${port}`;
  const failing = triggers.find((t) => t.name === 'failing')!;
  failing.delivery.deadLetterSink = `${subscriberBase}/dead-letter-sink`;
  broker = await startBroker({
    port: await freePort3xxxx(),
    rabbitmqUrl: RABBITMQ_URL,
    brokerName: BROKER,
    publishToken: null,
    triggers,
    resolveSubscriber,
    sources: [{ queue: SOURCE_QUEUE, type: 'test.bridged', source: '/test/bridge' }],
    pingIntervalMs: 300,
  });
  assert.ok(broker.isConnected(), 'broker connected to RabbitMQ');
});

test.after(async () => {
  await broker?.stop();
  subscriber.close();
  subscriber.closeAllConnections();
  const connection = await amqp.connect(RABBITMQ_URL);
  const channel = await connection.createChannel();
  await deleteTopology(channel, BROKER, triggers.map((t) => t.name), [SOURCE_QUEUE]);
  await deleteTopology(channel, PERF_BROKER, ['perf']);
  await deleteTopology(channel, SLOW_BROKER, ['slow']);
  await deleteTopology(channel, `${BROKER}-guarded`, []);
  await connection.close();
  log.level = savedLevel;
});

test('ISO-8601 durations', () => {
  assert.is(parseDuration('PT0.5S'), 500);
  assert.is(parseDuration('PT2S'), 2000);
  assert.is(parseDuration('PT1M'), 60_000);
  assert.is(parseDuration('PT1H0.25S'), 3_600_250);
  assert.is(parseDuration('P1DT1M'), 86_460_000);
  assert.is(parseDuration('PT0,05S'), 50);
  for (const bad of ['P', 'PT', '2S', 'P1Y', 'P1M', 'PTS', '']) assert.throws(() => parseDuration(bad), bad);
});

test('binary and structured events reach the matching trigger in binary mode; others do not', async () => {
  const elsewhere = await publish({ type: 'test.basic', source: '/elsewhere' }, { n: 0 });
  const binaryId = await publish({ type: 'test.basic', source: '/test', subject: '42', requestid: 'req-1' }, { n: 1 });
  const structuredId = newId();
  const structured = await fetch(broker.url, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    body: JSON.stringify({
      specversion: '1.0', id: structuredId, type: 'test.basic', source: '/test', datacontenttype: 'application/json',
      requestid: 'req-2', data: { n: 2, text: 'été' },
    }),
  });
  assert.is(structured.status, 202);

  const [first, second] = await waitFor('two basic deliveries', () => deliveries('/basic').length >= 2 && deliveries('/basic'));
  const byId = new Map([first, second].map((r) => [idOf(r), r]));
  const binary = byId.get(binaryId)!;
  assert.ok(binary, 'binary event delivered');
  assert.is(binary.headers['ce-specversion'], '1.0');
  assert.is(binary.headers['ce-type'], 'test.basic');
  assert.is(binary.headers['ce-source'], '/test');
  assert.is(binary.headers['ce-subject'], '42');
  assert.is(binary.headers['ce-requestid'], 'req-1');
  assert.ok(binary.headers['ce-time'], 'has a time');
  assert.match(String(binary.headers['content-type']), /^application\/json/);
  assert.equal(JSON.parse(binary.body.toString()), { n: 1 });

  const fromStructured = byId.get(structuredId)!;
  assert.ok(fromStructured, 'structured event delivered');
  assert.is(fromStructured.headers['ce-requestid'], 'req-2');
  assert.is(fromStructured.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(fromStructured.body.toString()), { n: 2, text: 'été' });

  // The trigger with an empty filter gets every event, including the one /basic must not get.
  await waitFor('the empty-filter trigger to see all three', () =>
    [elsewhere, binaryId, structuredId].every((id) => deliveries('/everything').some((r) => idOf(r) === id)));
  await sleep(150);
  assert.not.ok(deliveries('/basic').some((r) => idOf(r) === elsewhere), 'a non-matching event is not delivered');
  assert.is(deliveries('/basic').length, 2);
});

test('ingress: 400 for an invalid CloudEvent, 405 for GET, health', async () => {
  const missingType = await fetch(broker.url, { method: 'POST', headers: { 'ce-specversion': '1.0', 'ce-id': 'x', 'ce-source': '/t' } });
  assert.is(missingType.status, 400);
  assert.match(((await missingType.json()) as { message: string }).message, /type/);
  const notAnEvent = await fetch(broker.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.is(notAnEvent.status, 400);
  const malformed = await fetch(broker.url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: '{oops' });
  assert.is(malformed.status, 400);
  assert.is((await fetch(broker.url)).status, 405);
  const health = await fetch(new URL('/health', broker.url));
  assert.is(health.status, 200);
  assert.equal(await health.json(), { status: 'ok', rabbitmq: 'up' });
});

test('ingress: only publishers that present the publish token are heard (401 otherwise, nothing published)', async () => {
  const guarded = await startBroker({
    port: await freePort3xxxx(),
    rabbitmqUrl: RABBITMQ_URL,
    brokerName: `${BROKER}-guarded`,
    publishToken: 'the-publish-token',
    triggers: [],
    resolveSubscriber,
    pingIntervalMs: 0,
  });
  try {
    const event = { 'ce-specversion': '1.0', 'ce-id': `guarded-${Date.now()}`, 'ce-source': '/test', 'ce-type': 'test.guarded' };
    for (const authorization of [undefined, 'Bearer wrong', 'the-publish-token', 'Basic the-publish-token']) {
      const headers = { ...event, 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
      assert.is((await fetch(guarded.url, { method: 'POST', headers, body: '{}' })).status, 401, String(authorization));
    }
    const headers = { ...event, 'content-type': 'application/json', authorization: 'Bearer the-publish-token' };
    assert.is((await fetch(guarded.url, { method: 'POST', headers, body: '{}' })).status, 202);
  } finally {
    await guarded.stop();
  }
});

test('ingress answers 503 while RabbitMQ is unreachable', async () => {
  const offline = await startBroker({
    port: await freePort3xxxx(),
    rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:1',
    brokerName: `${BROKER}-offline`,
    publishToken: null,
    triggers: [],
    resolveSubscriber,
    pingIntervalMs: 0,
  });
  try {
    assert.not.ok(offline.isConnected());
    const response = await postBinary(offline.url, { type: 'test.basic', source: '/test' }, {});
    assert.is(response.status, 503);
    assert.ok(((await response.json()) as { message: string }).message);
    assert.is((await fetch(new URL('/health', offline.url))).status, 503);
  } finally {
    await offline.stop();
  }
});

test('a subscriber answering 500 twice then 200 gets the event three times, with exponential backoff', async () => {
  answers.set('/flaky', (_request, attempt) => ({ status: attempt <= 2 ? 500 : 200 }));
  const id = await publish({ type: 'test.flaky', source: '/test' }, { flaky: true });
  const attempts = await waitFor('three attempts', () => deliveries('/flaky').length >= 3 && deliveries('/flaky'));
  await sleep(200);
  assert.is(deliveries('/flaky').length, 3, 'no attempt after the success');
  assert.ok(attempts.every((r) => idOf(r) === id));
  const gaps = [attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at];
  // PT0.05S exponential: 50 ms, then 100 ms.
  assert.ok(gaps[0] >= 45 && gaps[0] < 400, `first backoff ${gaps[0].toFixed(0)} ms`);
  assert.ok(gaps[1] >= 95 && gaps[1] < 500, `second backoff ${gaps[1].toFixed(0)} ms`);
  console.log(`    measured backoff: ${gaps.map((g) => g.toFixed(0)).join(' ms, ')} ms (expected 50, 100)`);
});

test('an always-failing subscriber: retries, then the DLQ and the dead-letter sink; replay delivers again', async () => {
  let healthy = false;
  answers.set('/failing', () => (healthy ? { status: 200 } : { status: 500, body: 'database down' }));
  const id = await publish({ type: 'test.failing', source: '/test' }, { doomed: true });
  const sinkDelivery = await waitFor('the dead-letter sink', () => deliveries('/dead-letter-sink').find((r) => idOf(r) === id));
  const attempts = deliveries('/failing').filter((r) => idOf(r) === id);
  assert.is(attempts.length, 3, 'one attempt and two retries');
  const gaps = [attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at];
  assert.ok(gaps[0] >= 45 && gaps[1] >= 95, `linear backoff 50, 100 ms: got ${gaps.map((g) => g.toFixed(0))}`);
  assert.is(sinkDelivery.headers['ce-knativeerrorcode'], '500');
  assert.is(sinkDelivery.headers['ce-knativeerrordest'], `${subscriberBase}/failing`);
  assert.is(Buffer.from(String(sinkDelivery.headers['ce-knativeerrordata']), 'base64').toString(), 'database down');
  assert.equal(JSON.parse(sinkDelivery.body.toString()), { doomed: true });

  const options = { rabbitmqUrl: RABBITMQ_URL, brokerName: BROKER, trigger: 'failing' };
  const [dead] = await waitFor('the dead letter', async () => {
    const letters = await listDeadLetters(options);
    return letters.length > 0 && letters;
  });
  assert.is(dead.id, id);
  assert.is(dead.trigger, 'failing');
  assert.is(dead.type, 'test.failing');
  assert.is(dead.source, '/test');
  assert.is(dead.code, '500');
  assert.is(dead.attempts, 3);
  assert.ok(!Number.isNaN(Date.parse(dead.time)));
  assert.is((await listDeadLetters(options)).length, 1, 'listing leaves it in place');

  healthy = true;
  assert.equal(await replayDeadLetters(options), [{ trigger: 'failing', replayed: 1 }]);
  const replayed = await waitFor('the replayed delivery', () => deliveries('/failing').filter((r) => idOf(r) === id).length === 4 && deliveries('/failing').at(-1));
  assert.not.ok(replayed.headers['ce-knativeerrorcode'], 'replayed as it was first published');
  assert.equal(JSON.parse(replayed.body.toString()), { doomed: true });
  assert.equal(await listDeadLetters(options), []);
});

test('a 400 is not retried: straight to the DLQ', async () => {
  answers.set('/bad', () => ({ status: 400 }));
  const id = await publish({ type: 'test.bad', source: '/test' }, {});
  const options = { rabbitmqUrl: RABBITMQ_URL, brokerName: BROKER, trigger: 'bad' };
  const [dead] = await waitFor('the dead letter', async () => {
    const letters = await listDeadLetters(options);
    return letters.length > 0 && letters;
  });
  assert.is(dead.id, id);
  assert.is(dead.code, '400');
  assert.is(dead.attempts, 1);
  assert.is(deliveries('/bad').length, 1);
});

test('a subscriber slower than the timeout fails its attempts', async () => {
  let calls = 0;
  const slow = http.createServer((_request, response) => {
    calls += 1;
    setTimeout(() => response.end(), 400);
  });
  const port = await listenOn3xxxx(slow);
  const slowBroker = await startBroker({
    port: await freePort3xxxx(),
    rabbitmqUrl: RABBITMQ_URL,
    brokerName: SLOW_BROKER,
    publishToken: null,
    triggers: [trigger('slow', { type: 'test.slow' }, { timeout: 'PT0.1S', retry: 1 }, 1, SLOW_BROKER)],
    resolveSubscriber: () => `http://127.0.0.1:${port}/`,
    pingIntervalMs: 0,
  });
  try {
    const response = await postBinary(slowBroker.url, { type: 'test.slow', source: '/test', id: 'slow-1' }, {});
    assert.is(response.status, 202);
    const options = { rabbitmqUrl: RABBITMQ_URL, brokerName: SLOW_BROKER };
    const [dead] = await waitFor('the timed-out event', async () => {
      const letters = await listDeadLetters(options);
      return letters.length > 0 && letters;
    });
    assert.is(dead.id, 'slow-1');
    assert.is(dead.code, '0');
    assert.match(dead.reason, /timeout after 100 ms/);
    assert.is(calls, 2);
  } finally {
    await slowBroker.stop();
    slow.close();
    slow.closeAllConnections();
  }
});

test('parallelism 1: 50 events arrive in publish order, retries included', async () => {
  const seen = new Set<string>();
  // Fail the first attempt of every 7th event: the dispatcher must hold it, not skip ahead.
  answers.set('/ordered', (request) => {
    const n = Number(JSON.parse(request.body.toString()).n);
    const id = idOf(request);
    if (n % 7 === 3 && !seen.has(id)) {
      seen.add(id);
      return { status: 503 };
    }
    return { status: 200 };
  });
  const ids: string[] = [];
  for (let n = 0; n < 50; n += 1) ids.push(await publish({ type: 'test.ordered', source: '/test' }, { n }));
  await waitFor('50 ordered deliveries', () => new Set(deliveries('/ordered').map(idOf)).size === 50, 10_000);
  // Collapse each event's consecutive attempts: what is left must be the publish order, each event once.
  const order = deliveries('/ordered').map(idOf).filter((id, index, all) => index === 0 || all[index - 1] !== id);
  assert.equal(order, ids);
  assert.is(deliveries('/ordered').length, 50 + seen.size);
});

test('a reply event is published back and reaches another trigger', async () => {
  answers.set('/replier', (request) => ({
    status: 200,
    headers: {
      'ce-specversion': '1.0', 'ce-id': `reply-${idOf(request)}`, 'ce-type': 'test.reply', 'ce-source': '/replier',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ answer: 42 }),
  }));
  const id = await publish({ type: 'test.request', source: '/test' }, { question: '?' });
  const reply = await waitFor('the reply', () => deliveries('/replies').find((r) => idOf(r) === `reply-${id}`));
  assert.is(reply.headers['ce-source'], '/replier');
  assert.equal(JSON.parse(reply.body.toString()), { answer: 42 });
});

test('the AMQP bridge turns a plain message into a delivered CloudEvent', async () => {
  const connection = await amqp.connect(RABBITMQ_URL);
  const channel = await connection.createConfirmChannel();
  channel.sendToQueue(SOURCE_QUEUE, Buffer.from(JSON.stringify({ sku: 'A-1', qty: 3 })), { messageId: `plain-${RUN}` });
  channel.sendToQueue(SOURCE_QUEUE, Buffer.from('just text'), {});
  await channel.waitForConfirms();
  await connection.close();
  const [json, text] = await waitFor('two bridged events', () => deliveries('/bridged').length >= 2 && deliveries('/bridged'));
  assert.is(json.headers['ce-id'], `plain-${RUN}`);
  assert.is(json.headers['ce-type'], 'test.bridged');
  assert.is(json.headers['ce-source'], '/test/bridge');
  assert.is(json.headers['content-type'], 'application/json');
  assert.equal(JSON.parse(json.body.toString()), { sku: 'A-1', qty: 3 });
  assert.match(String(text.headers['ce-id']), /^[0-9a-f-]{36}$/);
  assert.match(String(text.headers['content-type']), /^text\/plain/);
  assert.is(text.body.toString(), 'just text');
});

test('the periodic tick arrives as dev.knative.sources.ping', async () => {
  const tick = await waitFor('a ping', () => deliveries('/ticks')[0], 3000);
  assert.is(tick.headers['ce-type'], 'dev.knative.sources.ping');
  assert.is(tick.headers['ce-source'], '/local/ping');
  assert.equal(JSON.parse(tick.body.toString()), {});
});

test('throughput: ingress to subscriber with pipelined confirms', async () => {
  const total = 3000;
  const perf = await startBroker({
    port: await freePort3xxxx(),
    rabbitmqUrl: RABBITMQ_URL,
    brokerName: PERF_BROKER,
    publishToken: null,
    triggers: [trigger('perf', { type: 'test.perf' }, {}, 100, PERF_BROKER)],
    resolveSubscriber,
    pingIntervalMs: 0,
  });
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const post = (n: number) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ n });
        const request = http.request(perf.url, {
          method: 'POST', agent,
          headers: {
            'ce-specversion': '1.0', 'ce-id': `perf-${RUN}-${n}`, 'ce-type': 'test.perf', 'ce-source': '/test',
            'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
          },
        }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        request.on('error', reject);
        request.end(body);
      });
    const started = performance.now();
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < total) statuses.push(await post(next++));
    }));
    const published = performance.now();
    await waitFor('every perf event', () => new Set(deliveries('/perf').map(idOf)).size === total, 20_000);
    const finished = performance.now();
    agent.destroy();
    assert.ok(statuses.every((s) => s === 202), 'all accepted');
    const ingressRate = total / ((published - started) / 1000);
    const endToEnd = total / ((finished - started) / 1000);
    console.log(`    throughput: ingress ${ingressRate.toFixed(0)} events/s, ingress→subscriber ${endToEnd.toFixed(0)} events/s (${total} events)`);
  } finally {
    await perf.stop();
  }
});

test('reconnects after RabbitMQ closes its connection, and delivers what is published next', async () => {
  const pid = await waitFor('the broker connection in rabbitmqctl', () => brokerConnectionPid(), 10_000);
  await run('rabbitmqctl', ['close_connection', pid, 'test: simulated RabbitMQ restart']);
  await waitFor('the broker to notice', () => !broker.isConnected(), 5000).catch(() => undefined);
  await waitFor('the broker to reconnect', () => broker.isConnected(), 10_000);
  const id = await publish({ type: 'test.reconnect', source: '/test' }, { after: 'reconnect' });
  const delivered = await waitFor('delivery after reconnect', () => deliveries('/after-reconnect').find((r) => idOf(r) === id));
  assert.equal(JSON.parse(delivered.body.toString()), { after: 'reconnect' });
  const newPid = await brokerConnectionPid();
  assert.ok(newPid && newPid !== pid, 'a new connection');
});

async function brokerConnectionPid(): Promise<string | undefined> {
  // Table output: `<rabbit@host.N.N.N>\t[{"connection_name","..."},...]`; close_connection takes that pid.
  const { stdout } = await run('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q', '--no-table-headers']);
  const line = stdout.split('\n').find((l) => l.includes(`{"connection_name","eventing-broker ${BROKER}"}`));
  return line?.split('\t')[0].trim();
}

test.run();
