import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { readFileSync } from 'node:fs';
import { createHttpFunction } from '../../functions/kit/service';
import { reply, route, staff } from '../../functions/kit/route';
import { revokeToken } from '../../functions/kit/revocation';
import { signToken } from '../../functions/kit/jwt';
import { conflict } from '../../functions/kit/errors';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { serviceDatabase } from '../../functions/kit/database';

/** A small declared service, no database: what every real service is made of. */
const widgets = {
  name: 'widgets',
  title: 'Widgets',
  description: 'test service',
  routes: [
    route<{ id: number }, { verbose?: boolean }>({
      method: 'GET', path: '/widgets/:id', summary: 'one', access: 'public',
      params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } },
      query: { type: 'object', properties: { verbose: { type: 'boolean' } } },
      handler: ({ params, query }) => ({ id: params.id, verbose: query.verbose ?? false }),
    }),
    route<{}, {}, { name: string; price: number; tags?: string[] }>({
      method: 'POST', path: '/widgets', summary: 'create', access: { permission: 'products.create' },
      body: { type: 'object', required: ['name', 'price'], properties: { name: { type: 'string', minLength: 1 }, price: { type: 'number', minimum: 0 }, tags: { type: 'array', items: { type: 'string' } } } },
      handler: ({ body, user }) => reply.created({ ...body, owner: user.id }),
    }),
    route<{ id: string }, {}, { name?: string }>({
      method: 'PUT', path: '/widgets/:id', summary: 'update', access: 'auth',
      body: { type: 'object', properties: { name: { type: 'string' } } },
      handler: ({ body }) => ({ changed: Object.keys(body) }),
    }),
    route({ method: 'GET', path: '/admin/widgets', summary: "everyone's widgets", access: staff('products.view'), handler: () => ({ data: [] }) }),
    route({ method: 'GET', path: '/boom', summary: 'fails', access: 'public', handler: () => { throw new Error('secret database password in this message'); } }),
    route({ method: 'GET', path: '/taken', summary: 'conflict', access: 'public', handler: () => { throw conflict('Already there.'); } }),
  ],
};

const kit = suite('kit: a declared service');
let call: Call;
let close: () => Promise<void>;
const customer = () => signToken({ id: 7, email: 'c@example.com', roles: ['customer'], permissions: ['products.view'] }).token;
const merchant = () => signToken({ id: 8, email: 'm@example.com', roles: ['merchant'], permissions: ['products.create'] }).token;

kit.before(async () => {
  const served = await serveFunction(createHttpFunction(widgets));
  call = client(served.url);
  close = served.close;
});
kit.after(() => close());

kit('coerces and validates params and query', async () => {
  const ok = await call('GET', '/widgets/12?verbose=true');
  assert.is(ok.status, 200);
  assert.equal(ok.body, { id: 12, verbose: true });
  const bad = await call('GET', '/widgets/abc');
  assert.is(bad.status, 422);
  assert.ok(bad.body.errors.id, 'the offending param is named');
});

kit("a query's booleans also come as Laravel's 1 and 0; anything else is a 422 on the field", async () => {
  assert.equal((await call('GET', '/widgets/1?verbose=1')).body, { id: 1, verbose: true });
  assert.equal((await call('GET', '/widgets/1?verbose=0')).body, { id: 1, verbose: false });
  assert.equal((await call('GET', '/widgets/1?verbose=false')).body, { id: 1, verbose: false });
  const bad = await call('GET', '/widgets/1?verbose=2');
  assert.is(bad.status, 422);
  assert.ok(bad.body.errors.verbose);
});

kit('invalid body answers 422 with one list of messages per field', async () => {
  const res = await call('POST', '/widgets', { token: merchant(), body: { price: -1 } });
  assert.is(res.status, 422);
  assert.equal(Object.keys(res.body.errors).sort(), ['name', 'price']);
  assert.match(res.body.errors.name[0], /required/);
  assert.type(res.body.message, 'string');
  assert.type(res.body.request_id, 'string');
});

kit('unknown body fields are stripped, never stored or echoed', async () => {
  const res = await call('POST', '/widgets', { token: merchant(), body: { name: 'w', price: 2, owner: 999, role: 'admin' } });
  assert.is(res.status, 201);
  assert.equal(res.body, { name: 'w', price: 2, owner: 8 });
});

kit('malformed JSON is a 400 and a non-object body a 422, never a 500', async () => {
  const malformed = await call('POST', '/widgets', { token: merchant(), raw: '{"name": ' });
  assert.is(malformed.status, 400);
  assert.match(malformed.body.message, /JSON/);
  const array = await call('POST', '/widgets', { token: merchant(), raw: '[1,2]' });
  assert.is(array.status, 422);
});

kit('a body over the limit is a 413', async () => {
  const res = await call('POST', '/widgets', { token: merchant(), raw: JSON.stringify({ name: 'x'.repeat(1_100_000), price: 1 }) });
  assert.is(res.status, 413);
});

kit('no token 401, a token without the permission 403, with it 201', async () => {
  assert.is((await call('POST', '/widgets', { body: { name: 'w', price: 1 } })).status, 401);
  assert.is((await call('POST', '/widgets', { token: customer(), body: { name: 'w', price: 1 } })).status, 403);
  assert.is((await call('POST', '/widgets', { token: merchant(), body: { name: 'w', price: 1 } })).status, 201);
});

kit("a staff access: a customer's permission (held for their own data) is 403, staff's with it 200", async () => {
  assert.is((await call('GET', '/admin/widgets', { token: customer() })).status, 403, 'the customer holds products.view');
  const staffer = (permissions: string[]) => signToken({ id: 3, email: 's@example.com', roles: ['support'], permissions }).token;
  assert.is((await call('GET', '/admin/widgets', { token: staffer([]) })).status, 403, 'staff without the permission');
  assert.is((await call('GET', '/admin/widgets', { token: staffer(['products.view']) })).status, 200);
  const both = signToken({ id: 4, email: 'b@example.com', roles: ['customer', 'merchant'], permissions: ['products.view'] }).token;
  assert.is((await call('GET', '/admin/widgets', { token: both })).status, 200, 'a customer who is also staff');
});

kit('super-admin passes every permission check', async () => {
  const token = signToken({ id: 1, email: 'a@example.com', roles: ['super-admin'], permissions: [] }).token;
  assert.is((await call('POST', '/widgets', { token, body: { name: 'w', price: 1 } })).status, 201);
});

kit('expired, tampered, other-key, HS256 and alg:none tokens answer 401', async () => {
  const key = createPrivateKey(readFileSync(process.env.JWT_PRIVATE_KEY_FILE!, 'utf8'));
  const claims = { email: 'x@example.com', roles: ['merchant'], permissions: ['products.create'] };
  const options = { subject: '5', issuer: 'ecommerce-auth', jwtid: 'j-1' };
  const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, key, { ...options, algorithm: 'RS256' });
  const valid = jwt.sign(claims, key, { ...options, algorithm: 'RS256', expiresIn: 60 });
  const [h, p, s] = valid.split('.');
  const elevated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), roles: ['super-admin'] })).toString('base64url');
  const tampered = `${h}.${elevated}.${s}`;
  const otherKey = jwt.sign(claims, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { ...options, algorithm: 'RS256', expiresIn: 60 });
  const hs256 = jwt.sign(claims, readFileSync(process.env.JWT_PUBLIC_KEY_FILE!, 'utf8'), { ...options, algorithm: 'HS256', expiresIn: 60 });
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
  for (const [name, token] of Object.entries({ expired, tampered, otherKey, hs256, none })) {
    const res = await call('POST', '/widgets', { token, body: { name: 'w', price: 1 } });
    assert.is(res.status, 401, `${name} token must be refused`);
  }
  assert.is((await call('POST', '/widgets', { token: valid, body: { name: 'w', price: 1 } })).status, 201, 'the untouched token passes');
});

kit('a revoked token is refused within a second', async () => {
  const issued = signToken({ id: 9, email: 'r@example.com', roles: [], permissions: [] });
  assert.is((await call('PUT', '/widgets/1', { token: issued.token, body: {} })).status, 200);
  const { jti, exp } = jwt.decode(issued.token) as { jti: string; exp: number };
  await revokeToken(jti, exp);
  await new Promise((r) => setTimeout(r, 1000));
  assert.is((await call('PUT', '/widgets/1', { token: issued.token, body: {} })).status, 401);
});

kit('PUT and PATCH both take a partial body', async () => {
  const token = customer();
  const put = await call('PUT', '/widgets/1', { token, body: { name: 'n' } });
  const patch = await call('PATCH', '/widgets/1', { token, body: {} });
  assert.equal(put.body, { changed: ['name'] });
  assert.equal(patch.body, { changed: [] });
});

kit('X-Request-ID is echoed when sane and made when missing or unsafe', async () => {
  const given = await call('GET', '/widgets/1', { headers: { 'x-request-id': 'req-abc.123' } });
  assert.is(given.headers['x-request-id'], 'req-abc.123');
  const made = await call('GET', '/widgets/1');
  assert.match(String(made.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  const unsafe = await call('GET', '/widgets/1', { headers: { 'x-request-id': 'a b<script>' } });
  assert.not.equal(unsafe.headers['x-request-id'], 'a b<script>');
});

kit('an unexpected error is a 500 with the request id and no detail', async () => {
  const res = await call('GET', '/boom', { headers: { 'x-request-id': 'boom-1' } });
  assert.is(res.status, 500);
  assert.equal(res.body, { message: 'Internal server error.', request_id: 'boom-1' });
  assert.not.match(res.text, /password/);
});

kit('every error status uses the envelope; unknown routes are 404', async () => {
  const taken = await call('GET', '/taken');
  assert.is(taken.status, 409);
  assert.equal(Object.keys(taken.body).sort(), ['message', 'request_id']);
  const missing = await call('GET', '/nothing-here');
  assert.is(missing.status, 404);
  assert.type(missing.body.message, 'string');
});

kit('GET /health names the service; a service without a database says so', async () => {
  const res = await call('GET', '/health');
  assert.is(res.status, 200);
  assert.equal(res.body, { status: 'ok', service: 'widgets', database: 'none' });
});

kit('GET /live answers while the database is down, when GET /health says 503 (liveness vs readiness)', async () => {
  process.env.DATABASE_URL_LIVETEST = 'mysql://root@127.0.0.1:1/nowhere';
  const served = await serveFunction(createHttpFunction({
    name: 'livetest', title: 'livetest', description: 'a service whose database does not answer', routes: [],
    database: serviceDatabase('livetest', () => ({})),
  }));
  try {
    const to = client(served.url);
    const health = await to('GET', '/health');
    assert.is(health.status, 503);
    assert.is(health.body.database, 'down');
    const live = await to('GET', '/live');
    assert.is(live.status, 200);
    assert.equal(live.body, { status: 'alive', service: 'livetest' });
  } finally {
    delete process.env.DATABASE_URL_LIVETEST;
    await served.close();
  }
});

kit.run();
