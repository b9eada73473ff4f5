import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signToken } from '../../functions/kit/jwt';
import { proxyCredential } from '../../functions/kit/credentials';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';

/**
 * The gateway function in this process, forwarding to real HTTP servers that stand in for
 * services: one that echoes what it got, one that answers too late.
 */
const it = suite('gateway');
let call: Call;
const closers: Array<() => Promise<void> | void> = [];
let slowCalls = 0;

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let savedEnv: NodeJS.ProcessEnv;

it.before(async () => {
  const echo = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(207, { 'content-type': 'application/json', 'x-from': 'echo' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
    });
  });
  const slow = await listen((_req, res) => {
    slowCalls++;
    setTimeout(() => res.end('{}'), 1500);
  });
  savedEnv = { ...process.env };
  Object.assign(process.env, {
    SERVICE_URL_AUTH: echo,
    SERVICE_URL_PRODUCTS: echo,
    SERVICE_URL_QUESTIONS: slow,
    SERVICE_URL_SAV: slow,
    SERVICE_URL_CONTACTS: 'http://127.0.0.1:1',
    GATEWAY_TIMEOUT_MS_QUESTIONS: '300',
    GATEWAY_MAX_CONCURRENT_PER_SERVICE: '3',
    RATE_LIMIT_PER_MINUTE: '40',
    RATE_LIMIT_SENSITIVE_PER_MINUTE: '3',
  });
  const { gateway } = await import('../../gateway');
  const served = await serveFunction(gateway);
  closers.push(served.close);
  call = client(served.url);
});
it.after(async () => {
  for (const close of closers) await close();
  process.env = savedEnv; // later suites start the platform from this environment
});

/** A client address as Nginx vouches for it: X-Real-IP with the proxy credential. */
const fromIp = (ip: string) => ({ 'x-real-ip': ip, 'x-proxy-token': proxyCredential()! });

it('forwards method, path, query, body and headers; strips the prefix; answers what the service answered', async () => {
  const token = signToken({ id: 3, email: 'a@example.com', roles: [], permissions: [] }).token;
  const res = await call('PATCH', '/api/v1/products/products/9?sort=-name&page=2', { token, body: { name: 'x' }, headers: { 'x-request-id': 'gw-1', ...fromIp('10.0.0.1') } });
  assert.is(res.status, 207);
  assert.is(res.headers['x-from'], 'echo');
  assert.is(res.headers['x-request-id'], 'gw-1');
  assert.equal([res.body.method, res.body.url, res.body.body], ['PATCH', '/products/9?sort=-name&page=2', '{"name":"x"}']);
  assert.is(res.body.headers.authorization, `Bearer ${token}`);
  assert.is(res.body.headers['x-request-id'], 'gw-1');
  assert.is(res.body.headers['x-real-ip'], '10.0.0.1');
  for (const path of ['/api/products/products', '/v1/products/products', '/products/products']) {
    assert.is((await call('GET', path, { headers: fromIp('10.0.0.1') })).body.url, '/products', path);
  }
});

it('a bad token is refused before forwarding (401); login ignores a stale one', async () => {
  const refused = await call('GET', '/api/v1/products/products', { token: 'nope', headers: fromIp('10.0.0.2') });
  assert.is(refused.status, 401);
  const login = await call('POST', '/api/v1/login', { token: 'stale', body: { email: 'a@example.com' }, headers: fromIp('10.0.0.2') });
  assert.equal([login.status, login.body.url], [207, '/login']);
});

it('X-Real-IP without the proxy credential is not believed: the connection address is the client', async () => {
  for (const headers of [{ 'x-real-ip': '10.6.6.6' }, { 'x-real-ip': '10.6.6.6', 'x-proxy-token': 'guessed' }] as Record<string, string>[]) {
    const res = await call('GET', '/api/v1/products/products', { headers });
    assert.is(res.body.headers['x-real-ip'], '127.0.0.1');
    assert.is(res.body.headers['x-forwarded-for'], '127.0.0.1');
    assert.is(res.body.headers['x-proxy-token'], proxyCredential(), 'the gateway vouches for the address it computed');
  }
});

it('events cannot be posted to a service through the gateway, however the path is spelled', async () => {
  const spellings = [
    '/api/v1/products/events', '/api/v1/products/events/x', '/api/v1/products//events', '/api/v1/products/events/',
    '/api/v1/products/%65vents', '/api/v1/products/%65%76%65%6E%74%73/x', '/api/v1/products/./events', '/api/v1/products/x/../events',
    '/api/products//events', '/v1/products//events', '/products//events', '//products/events', '/api//v1/products/events',
    '/api/v1/products/orders/../../products/events',
  ];
  for (const path of spellings) {
    const res = await call('POST', path, { body: {}, headers: { 'ce-type': 'x', ...fromIp('10.0.0.3') } });
    assert.is(res.status, 404, path);
  }
  for (const path of ['/api/v1/products/%2e%2e/events', '/api/v1/products%2fevents', '/api/v1/products/%5cevents', '/api/v1/products/..%2fevents', '/api/v1/products/\\events', '/..//products/events', '/api/v1/products/%zz']) {
    const res = await call('POST', path, { body: {}, headers: fromIp('10.0.0.3') });
    assert.is(res.status, 400, path);
    assert.type(res.body.message, 'string');
  }
});

it('every spelling of a sensitive route spends the sensitive budget', async () => {
  const spellings = ['/api/v1/auth/login', '/api/v1/auth//login', '/api/v1/auth/%6Cogin', '/api/v1/auth/./login/'];
  const statuses: number[] = [];
  for (const path of spellings) statuses.push((await call('POST', path, { body: {}, headers: fromIp('10.7.7.8') })).status);
  assert.equal(statuses, [207, 207, 207, 429]);
  const forwarded = await call('POST', '/api/v1/auth//login?next=1', { body: {}, headers: fromIp('10.7.7.9') });
  assert.is(forwarded.body.url, '/login?next=1', 'the service gets the canonical path');
});

it('a service too slow answers 504 within its timeout', async () => {
  const started = Date.now();
  const res = await call('GET', '/api/v1/questions/public/questions', { headers: fromIp('10.0.0.4') });
  assert.is(res.status, 504);
  assert.ok(Date.now() - started < 1200);
  assert.type(res.body.request_id, 'string');
});

it('calls in flight to one service are bounded: the excess is a quick 503 with Retry-After', async () => {
  slowCalls = 0;
  const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => call('GET', `/api/v1/sav/tickets?i=${i}`, { headers: fromIp(`10.0.1.${i}`) })));
  const busy = answers.filter((a) => a.status === 503);
  assert.is(busy.length, 2);
  assert.is(busy[0].headers['retry-after'], '1');
  assert.is(slowCalls, 3, 'only three reached the service');
});

it('a service that is down answers 503 at once', async () => {
  const res = await call('GET', '/api/v1/contacts/contacts', { headers: fromIp('10.0.0.5') });
  assert.is(res.status, 503);
  assert.match(res.body.message, /contacts/);
});

it('each client has its own budget; past it, 429 with Retry-After', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 42; i++) statuses.push((await call('GET', '/api/v1/products/products', { headers: fromIp('10.9.9.9') })).status);
  assert.is(statuses.filter((s) => s === 207).length, 40);
  const limited = await call('GET', '/api/v1/products/products', { headers: fromIp('10.9.9.9') });
  assert.is(limited.status, 429);
  assert.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60);
  assert.is((await call('GET', '/api/v1/products/products', { headers: fromIp('10.9.9.8') })).status, 207, 'another client is not affected');
});

it('sensitive routes have a tighter per-IP budget', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await call('POST', '/api/v1/auth/register', { body: {}, headers: fromIp('10.7.7.7') })).status);
  assert.equal(statuses, [207, 207, 207, 429]);
});

it("anonymous writes of contacts (contact form, public subscribe and unsubscribe) count as sensitive; staff routes do not", async () => {
  const { sensitiveBudget } = await import('../../gateway/limits');
  for (const path of ['/contact', '/public/subscribe', '/public/unsubscribe']) assert.is(sensitiveBudget('contacts', 'POST', path), 'contacts', path);
  assert.is(sensitiveBudget('baskets', 'POST', '/promo-codes/validate'), 'baskets', 'promo codes cannot be guessed at the general rate');
  for (const [method, path] of [['POST', '/contacts'], ['GET', '/contact'], ['POST', '/public/track/1/opened']]) assert.is(sensitiveBudget('contacts', method, path), undefined, `${method} ${path}`);
});

it('the merged OpenAPI document has every declared route, paths as clients call them', async () => {
  const { registeredServices } = await import('../../functions/kit/registry');
  const { withPatchAliases } = await import('../../functions/kit/route');
  const doc = (await call('GET', '/api/v1/openapi.json', { headers: fromIp('10.0.0.6') })).body;
  assert.is(doc.openapi, '3.1.0');
  const auth = registeredServices().find((s) => s.name === 'auth')!;
  const routes = withPatchAliases(auth.routes).filter((r) => !r.hidden);
  assert.ok(routes.length >= 25);
  for (const route of routes) {
    const path = `/api/v1/auth${route.path.replace(/:(\w+)/g, '{$1}')}`;
    assert.ok(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} is documented`);
  }
  assert.ok(doc.paths['/api/v1/auth/register'].post.requestBody, 'bodies carry their schema');
  assert.equal(doc.paths['/api/v1/auth/users'].get.security, [{ bearer: [] }]);
});

it('the AsyncAPI document lists the events the services declare', async () => {
  const doc = (await call('GET', '/api/v1/asyncapi.json', { headers: fromIp('10.0.0.6') })).body;
  assert.is(doc.asyncapi, '3.0.0');
  const registered = Object.values(doc.channels as Record<string, { address: string }>).map((c) => c.address);
  assert.ok(registered.includes('ecommerce.auth.user.registered'));
  assert.ok(doc.components.messages.ecommerce_auth_user_registered.payload.required.includes('email'));
  assert.ok(doc.operations['auth_sends_ecommerce_auth_user_registered']);
});

it.run();
