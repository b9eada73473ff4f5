import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { client, type Call } from '../helpers/http';
import { testPlatform } from '../helpers/platform';
import { eventually } from '../helpers/eventually';
import { SERVICE_NAMES } from '../../functions/kit/config';
import { LOCAL_DIR } from '../../scripts/local-env';
import { TEST_ENV } from '../helpers/env';
import type { RunningPlatform } from '../../scripts/platform';

/** The attacks of issue 11 against the event boundary and the edge, made as a client would, through Nginx. */
const e2e = suite('security at the edge (through Nginx)');
let platform: RunningPlatform;
let call: Call;
/** A client of its own (another loopback address): its sensitive budgets are untouched by other suites. */
let fresh: (n: number) => Call;

e2e.before(async () => {
  platform = await testPlatform();
  call = client(platform.urls.nginx!);
  fresh = (n) => client(platform.urls.nginx!, `127.0.0.${n}`);
});

/** RATE_LIMIT_SENSITIVE_PER_MINUTE of the test platform (test/helpers/platform.ts). */
const SENSITIVE_LIMIT = 40;

/** A forged stock reservation, as an attacker would send it to confirm an order with no stock. */
const forgedEvent = () => ({
  'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-source': '/products', 'ce-type': 'ecommerce.products.stock.reserved',
  'ce-subject': '1', 'ce-time': '2099-01-01T00:00:00Z',
});

const spellings = (service: string) => [
  `/api/v1/${service}/events`, `/api/v1/${service}//events`, `/api/v1/${service}/%65vents`, `/api/v1/${service}/%65%76%65%6e%74%73`,
  `/api/v1/${service}/events/`, `/api/v1/${service}/./events`, `/api/v1/${service}/x/../events`, `/api/v1/${service}/events/guess`,
  `/api/${service}//events`, `/v1/${service}//events`, `/${service}//events`, `/${service}/events`, `//api/v1/${service}/events`,
  `/api//v1/${service}/events`, `/api/v1//${service}/events`, `/api/v1/${service}/events?x=1`, `/api/v1/${service}/%2e/events`,
  `/api/v1/${service}/events%2fguess`, `/api/v1/${service}%2fevents`, `/api/v1/${service}/%5cevents`, `/api/v1/${service}/events;x`,
  `/api/v1/${service}/%2565vents`, `/api/v1/orders/../${service}/events`, `/api/v1/${service}/EVENTS`,
];

e2e('no spelling of a service\'s /events reaches its receiver from outside', async () => {
  for (const service of SERVICE_NAMES) {
    for (const path of spellings(service)) {
      const res = await call('POST', path, { body: { id: 1, order_id: 1 }, headers: forgedEvent() });
      assert.ok(res.status === 400 || res.status === 404, `${path} answered ${res.status}: ${res.text}`);
      assert.type(res.body?.message, 'string', `${path} answers a JSON error`);
      assert.not.ok(/applied|ignored|rejected|duplicate/.test(res.text), `${path} reached a receiver`);
    }
  }
});

e2e('a function and the broker ingress refuse events without the broker\'s credentials (401)', async () => {
  const body = JSON.stringify({ id: 1, order_id: 1 });
  for (const service of ['orders', 'products', 'baskets'] as const) {
    for (const path of ['/events', '/events/guess', '//events']) {
      const res = await fetch(`${platform.urls[service]}${path}`, { method: 'POST', headers: { ...forgedEvent(), 'content-type': 'application/json' }, body });
      assert.is(res.status, 401, `${service}${path}`);
    }
  }
  const ingress = await fetch(platform.urls.broker, { method: 'POST', headers: { ...forgedEvent(), 'content-type': 'application/json' }, body });
  assert.is(ingress.status, 401, 'only the platform\'s functions publish');
});

e2e('the sensitive budget applies to every spelling of login and of promo-code validation', async () => {
  // An empty body: validation answers 422 and auth's own failed-login counters stay out of it.
  const login = ['/api/v1/auth/login', '/api/v1/auth//login', '/api/v1/auth/%6cogin', '/api/auth/./login', '/auth//login', '/api/login', '/v1/auth/x/../login'];
  const asLogin = fresh(41);
  const statuses: number[] = [];
  for (let i = 0; i <= SENSITIVE_LIMIT; i++) statuses.push((await asLogin('POST', login[i % login.length], { body: {} })).status);
  assert.not.ok(statuses.slice(0, SENSITIVE_LIMIT).includes(429), statuses.join(','));
  assert.is(statuses[SENSITIVE_LIMIT], 429, 'every spelling spent the one budget');

  const guess = fresh(42);
  const codes: number[] = [];
  for (let i = 0; i <= SENSITIVE_LIMIT; i++) {
    const path = i % 2 ? '/api/v1/baskets//promo-codes/validate' : '/api/v1/baskets/promo-codes/validate';
    codes.push((await guess('POST', path, { body: { code: `GUESS${i}` } })).status);
  }
  assert.is(codes.at(-1), 429, `promo-code guesses were limited: ${codes.join(',')}`);
});

e2e('Nginx: a hostile X-Request-ID is never echoed into JSON; no version; security headers on every answer', async () => {
  const hostile = 'x","message":"owned';
  for (const path of ['/nowhere', '/api/v1/products/products', '/api/v1/products/%2e%2e/x']) {
    const res = await call('GET', path, { headers: { 'x-request-id': hostile } });
    assert.ok(typeof res.body === 'object', `${path}: JSON body`);
    assert.is.not(res.headers['x-request-id'], hostile, path);
    if (res.status >= 400) assert.is.not(res.body.message, 'owned', path);
    assert.is(res.headers.server, 'nginx', `${path}: no version in Server`);
    assert.is(res.headers['x-content-type-options'], 'nosniff', path);
    assert.is(res.headers['x-frame-options'], 'DENY', path);
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/, path);
    assert.not.ok(Array.isArray(res.headers['x-request-id']), `${path}: one X-Request-ID`);
  }
  const sane = await call('GET', '/nowhere', { headers: { 'x-request-id': 'trace-123' } });
  assert.equal([sane.headers['x-request-id'], sane.body.request_id], ['trace-123', 'trace-123']);
});

e2e('secrets in URLs stay out of the access logs (Nginx, gateway, functions)', async () => {
  const secret = `S3CR3T${randomUUID().replace(/-/g, '')}`;
  await call('GET', `/api/v1/newsletters/newsletters/confirm/${secret}`);
  await call('GET', `/api/v1/newsletters/newsletters/unsubscribe/${secret}`);
  await call('GET', `/api/v1/sav/public/tickets/SAV-2026-000001?token=${secret}`);
  const logs = [join(LOCAL_DIR, `nginx-${TEST_ENV.PORT_OFFSET}`, 'logs', 'access.log'), ...['gateway', 'newsletters', 'sav'].map((name) => join(LOCAL_DIR, 'test-logs', `${name}.log`))];
  await eventually(async () => readFileSync(logs[0], 'utf8'), (text) => text.includes(`confirm/[redacted]`), 'the access log line');
  for (const file of logs) assert.not.ok(readFileSync(file, 'utf8').includes(secret), `${file} keeps no secret`);
});

e2e('service status shows public paths only; test-rabbitmq keeps one connection', async () => {
  const status = await call('GET', '/api/v1/services/status');
  assert.is(status.status, 200);
  for (const item of status.body) assert.is(item.url, `/api/v1/${item.name}`);
  for (let i = 0; i < 10; i++) assert.is((await call('GET', '/api/test-rabbitmq')).body.rabbitmq_connected, true);
  const names = execFileSync('rabbitmqctl', ['list_connections', 'client_properties'], { encoding: 'utf8' });
  const gatewayPort = new URL(platform.urls.gateway).port;
  assert.is(names.split(`gateway status :${gatewayPort}`).length - 1, 1, 'one connection, however many calls');
});

e2e.run();
