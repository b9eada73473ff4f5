import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import jwt from 'jsonwebtoken';
import { client, uniqueEmail, type Answer, type Call } from '../helpers/http';
import { testPlatform } from '../helpers/platform';
import type { RunningPlatform } from '../../scripts/platform';

/** Client → Nginx → gateway → auth → MariaDB, as a client of the platform sees it. */
const e2e = suite('end to end through Nginx');
let platform: RunningPlatform;
let call: Call;

const newUser = () => ({ firstname: 'Grace', lastname: 'Hopper', email: uniqueEmail('e2e'), password: 'a long password' });

e2e.before(async () => {
  platform = await testPlatform();
  assert.ok(platform.urls.nginx, 'Nginx is installed (.ci/run installs it)');
  call = client(platform.urls.nginx);
});

e2e('register, login, me, refresh, logout, then the token is refused everywhere', async () => {
  const user = newUser();
  const registered = await call('POST', '/api/v1/auth/register', { body: { ...user, role: 'super-admin' } });
  assert.is(registered.status, 201, registered.text);
  assert.equal(registered.body.user.roles, ['customer']);

  const login = await call('POST', '/api/v1/auth/login', { body: { email: user.email, password: user.password } });
  assert.is(login.status, 200);
  for (const path of ['/api/login', '/api/v1/login']) {
    assert.is((await call('POST', path, { body: { email: user.email, password: user.password } })).status, 200, path);
  }
  const me = await call('GET', '/api/v1/auth/me', { token: login.body.token });
  assert.is(me.status, 200);
  assert.equal([me.body.email, me.body.roles], [user.email, ['customer']]);
  for (const prefix of ['/api/auth', '/v1/auth', '/auth']) {
    assert.is((await call('GET', `${prefix}/me`, { token: login.body.token })).status, 200, `${prefix}/me`);
  }

  const refreshed = await call('POST', '/api/v1/auth/refresh', { token: login.body.token });
  assert.is(refreshed.status, 200);
  assert.is((await call('GET', '/api/v1/auth/me', { token: login.body.token })).status, 401, 'the refreshed-away token is refused');

  const token = refreshed.body.token;
  assert.is((await call('POST', '/api/v1/auth/logout', { token })).status, 200);
  await new Promise((r) => setTimeout(r, 1000));
  assert.is((await call('GET', '/api/v1/auth/me', { token })).status, 401, 'auth refuses it');
  const elsewhere = await call('GET', '/api/v1/products/products', { token });
  assert.is(elsewhere.status, 401, 'the gateway refuses it for every other service too');
  const direct = await fetch(`${platform.urls.auth}/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.is(direct.status, 401, 'and so does the function called directly');
});

e2e('tampered, expired and alg:none tokens are refused with the error envelope', async () => {
  const user = newUser();
  const { token } = (await call('POST', '/api/v1/auth/register', { body: user })).body;
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['super-admin'] })).toString('base64url');
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${forged}.`;
  const expired = jwt.sign({ ...claims, iat: 1, exp: 2 }, 'whatever', { algorithm: 'HS256' });
  for (const bad of [`${header}.${forged}.${signature}`, none, expired, 'not.a.token']) {
    const res = await call('GET', '/api/v1/auth/me', { token: bad });
    assert.is(res.status, 401);
    assert.type(res.body.message, 'string');
    assert.type(res.body.request_id, 'string');
  }
});

e2e('a customer gets 403 on administration routes; the administrator does not', async () => {
  const { token } = (await call('POST', '/api/v1/auth/register', { body: newUser() })).body;
  assert.is((await call('GET', '/api/v1/auth/users', { token })).status, 403);
  const admin = await call('POST', '/api/v1/auth/login', { body: { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD } });
  const users = await call('GET', '/api/v1/auth/users?per_page=5', { token: admin.body.token });
  assert.is(users.status, 200);
  assert.is(users.body.per_page, 5);
});

e2e('bad input is a 422 naming each field, malformed JSON a 400', async () => {
  const res = await call('POST', '/api/v1/auth/register', { body: { email: 'nope', password: '1' } });
  assert.is(res.status, 422);
  assert.ok(res.body.errors.email && res.body.errors.password && res.body.errors.firstname);
  const malformed = await call('POST', '/api/v1/auth/login', { raw: '{"email":' });
  assert.is(malformed.status, 400);
});

e2e('X-Request-ID is echoed through Nginx and the gateway, or made', async () => {
  const given = await call('GET', '/api/v1/auth/health', { headers: { 'x-request-id': 'e2e-trace-42' } });
  assert.is(given.headers['x-request-id'], 'e2e-trace-42');
  const made = await call('GET', '/api/v1/auth/health');
  assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{32,36}$/);
});

e2e('gateway health, services status, RabbitMQ check, API documentation', async () => {
  assert.equal((await call('GET', '/api/health')).body, { status: 'healthy', service: 'api-gateway' });
  assert.equal((await call('GET', '/api/v1/health')).body, { status: 'healthy', service: 'api-gateway', version: 'v1' });
  const status = await call('GET', '/api/v1/services/status');
  assert.ok(Array.isArray(status.body));
  assert.is(status.body.length, 11);
  const auth = status.body.find((s: { name: string }) => s.name === 'auth');
  assert.equal([auth.status, typeof auth.latency_ms, typeof auth.url], ['up', 'number', 'string']);
  const rabbit = await call('GET', '/api/test-rabbitmq');
  assert.equal([rabbit.body.status, rabbit.body.rabbitmq_connected], ['success', true]);
  const docs = await call('GET', '/api/docs');
  assert.match(docs.text, /swagger-ui/);
  assert.is((await call('GET', '/api/docs/swagger-ui-bundle.js')).status, 200);
});

e2e('unknown service or path: 404 JSON', async () => {
  const unknown = await call('GET', '/api/v1/warehouse/items');
  assert.is(unknown.status, 404);
  assert.match(unknown.body.message, /warehouse/);
  const outside = await call('GET', '/not-an-api');
  assert.is(outside.status, 404);
  assert.type(outside.body.message, 'string');
});

e2e('a stopped service is answered 503 quickly, not a hang', async () => {
  await platform.stopFunction('websites');
  try {
    const started = Date.now();
    const res = await call('GET', '/api/v1/websites/websites');
    assert.is(res.status, 503);
    assert.match(res.body.message, /websites/);
    assert.ok(Date.now() - started < 2000, 'answered within two seconds');
  } finally {
    await platform.startFunction('websites');
  }
});

e2e('a body over Nginx\'s cap is a 413 JSON', async () => {
  const res = await call('POST', '/api/v1/auth/login', { raw: JSON.stringify({ email: 'x'.repeat(11 * 1024 * 1024) }) });
  assert.is(res.status, 413);
  assert.type(res.body.message, 'string');
});

e2e.run();
