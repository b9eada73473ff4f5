import { resetTestRedis } from '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryTypes } from 'sequelize';
import { createHttpFunction } from '../../functions/kit/service';
import { auth } from '../../functions/auth';
import { db } from '../../functions/auth/database';
import { client, uniqueEmail, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { migrateAuth } from '../helpers/auth-db';

const it = suite('auth service');
let call: Call;
let close: () => Promise<void>;
let admin: string;

const person = (tag = 'user') => ({ firstname: 'Ada', lastname: 'Lovelace', email: uniqueEmail(tag), password: 'correct horse' });

async function registered(tag?: string) {
  const body = person(tag);
  const res = await call('POST', '/register', { body });
  assert.is(res.status, 201, res.text);
  return { ...body, id: res.body.user.id as number, token: res.body.token as string };
}

it.before(async () => {
  await resetTestRedis();
  await migrateAuth();
  const served = await serveFunction(createHttpFunction(auth));
  call = client(served.url);
  close = served.close;
  const login = await call('POST', '/login', { body: { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD } });
  assert.is(login.status, 200, `the seeded administrator signs in: ${login.text}`);
  admin = login.body.token;
});
it.after(() => close());

it('register makes a customer whatever role the body asks for, and signs them in', async () => {
  const body = { ...person(), role: 'admin', roles: ['super-admin'] };
  const res = await call('POST', '/register', { body });
  assert.is(res.status, 201);
  assert.equal(res.body.user.roles, ['customer']);
  assert.equal(res.body.user.permissions, ['orders.create', 'orders.view', 'products.view']);
  assert.is(res.body.token_type, 'bearer');
  assert.is(res.body.expires_in, 3600);
  assert.not.ok('password' in res.body.user);
  const me = await call('GET', '/me', { token: res.body.token });
  assert.is(me.body.email, body.email);
});

it('passwords are stored as a slow salted hash', async () => {
  const user = await registered();
  const [row] = await db.sequelize.query<{ password: string }>('SELECT password FROM users WHERE id = ?', { replacements: [user.id], type: QueryTypes.SELECT });
  assert.match(row.password, /^scrypt\$16384\$8\$1\$/);
  assert.not.match(row.password, /correct horse/);
});

it('register rejects bad fields by name and a taken e-mail (any case) with 422', async () => {
  const bad = await call('POST', '/register', { body: { firstname: 'x'.repeat(256), email: 'not-an-email', password: 'short' } });
  assert.is(bad.status, 422);
  assert.equal(Object.keys(bad.body.errors).sort(), ['email', 'firstname', 'lastname', 'password']);
  const user = await registered();
  const again = await call('POST', '/register', { body: { ...person(), email: user.email.toUpperCase() } });
  assert.is(again.status, 422);
  assert.match(again.body.errors.email[0], /taken/);
});

it('login: wrong password and unknown e-mail get the same 401', async () => {
  const user = await registered();
  const wrong = await call('POST', '/login', { body: { email: user.email, password: 'nope nope' } });
  const unknown = await call('POST', '/login', { body: { email: uniqueEmail('ghost'), password: 'nope nope' } });
  assert.is(wrong.status, 401);
  assert.is(unknown.status, 401);
  assert.is(wrong.body.message, unknown.body.message);
  const ok = await call('POST', '/login', { body: { email: user.email, password: user.password } });
  assert.is(ok.status, 200);
  assert.is(ok.body.user.id, user.id);
});

it('repeated failed logins lock the account with 429 and Retry-After, even with the right password', async () => {
  const user = await registered();
  for (let i = 0; i < 5; i++) assert.is((await call('POST', '/login', { body: { email: user.email, password: 'wrong password' } })).status, 401);
  const locked = await call('POST', '/login', { body: { email: user.email, password: user.password } });
  assert.is(locked.status, 429);
  assert.ok(Number(locked.headers['retry-after']) > 0);
});

it('refresh gives a new token and revokes the old one', async () => {
  const user = await registered();
  const refreshed = await call('POST', '/refresh', { token: user.token });
  assert.is(refreshed.status, 200);
  assert.is.not(refreshed.body.token, user.token);
  assert.is((await call('GET', '/me', { token: refreshed.body.token })).status, 200);
  assert.is((await call('GET', '/me', { token: user.token })).status, 401);
});

it('logout revokes the token; validate-token says so', async () => {
  const user = await registered();
  const valid = await call('POST', '/validate-token', { body: { token: user.token } });
  assert.equal([valid.body.valid, valid.body.user.id], [true, user.id]);
  const bearer = await call('POST', '/validate-token', { token: user.token });
  assert.is(bearer.body.valid, true, 'the bearer token is validated when the body has none');
  assert.equal((await call('POST', '/logout', { token: user.token })).body, { message: 'Successfully logged out.' });
  assert.is((await call('GET', '/me', { token: user.token })).status, 401);
  assert.is((await call('POST', '/refresh', { token: user.token })).status, 401, 'a logged-out session cannot be refreshed');
  const after = await call('POST', '/validate-token', { body: { token: user.token } });
  assert.equal(after.body, { valid: false, message: 'Token has been revoked.' });
  assert.equal((await call('POST', '/validate-token', { body: { token: 'garbage' } })).body.valid, false);
});

it('roles: CRUD with permissions, unique names, super-admin protected', async () => {
  const name = `auditor-${Date.now()}`;
  const created = await call('POST', '/roles', { token: admin, body: { name, description: 'reads reports', permissions: ['reports.view', 'reports.export'] } });
  assert.is(created.status, 201, created.text);
  assert.equal(created.body.permissions, ['reports.export', 'reports.view']);
  assert.is((await call('POST', '/roles', { token: admin, body: { name } })).status, 409);
  const unknown = await call('POST', '/roles', { token: admin, body: { name: `${name}-2`, permissions: ['nope.never'] } });
  assert.is(unknown.status, 422);
  assert.match(unknown.body.errors.permissions[0], /nope\.never/);
  const updated = await call('PATCH', `/roles/${created.body.id}`, { token: admin, body: { description: 'changed' } });
  assert.equal([updated.body.name, updated.body.description, updated.body.permissions.length], [name, 'changed', 2]);
  const set = await call('POST', `/roles/${created.body.id}/permissions`, { token: admin, body: { permissions: ['users.view'] } });
  assert.equal(set.body.permissions, ['users.view']);
  const list = await call('GET', `/roles?search=${name}`, { token: admin });
  assert.is(list.body.total, 1);
  assert.is((await call('DELETE', `/roles/${created.body.id}`, { token: admin })).status, 204);
  assert.is((await call('GET', `/roles/${created.body.id}`, { token: admin })).status, 404);
  const roles = await call('GET', '/roles?per_page=100', { token: admin });
  assert.equal(roles.body.data.map((r: { name: string }) => r.name).filter((n: string) => !n.startsWith('auditor')).sort(), ['admin', 'customer', 'manager', 'merchant', 'super-admin', 'support']);
  const superAdmin = roles.body.data.find((r: { name: string }) => r.name === 'super-admin');
  assert.is(superAdmin.permissions.length, 20);
  assert.is((await call('DELETE', `/roles/${superAdmin.id}`, { token: admin })).status, 403);
});

it('permissions: twenty seeded, CRUD', async () => {
  const list = await call('GET', '/permissions?per_page=100&sort=name', { token: admin });
  assert.ok(list.body.total >= 20);
  const name = `exports.run-${Date.now()}`;
  const created = await call('POST', '/permissions', { token: admin, body: { name } });
  assert.is(created.status, 201);
  assert.is((await call('PUT', `/permissions/${created.body.id}`, { token: admin, body: { description: 'run exports' } })).body.description, 'run exports');
  assert.is((await call('DELETE', `/permissions/${created.body.id}`, { token: admin })).status, 204);
});

it("a user's roles and permissions: assign, remove, seen after refresh; the old token is refused meanwhile", async () => {
  const user = await registered();
  const given = await call('POST', `/users/${user.id}/roles`, { token: admin, body: { roles: ['support'] } });
  assert.is(given.status, 200);
  assert.equal(given.body.roles, ['customer', 'support']);
  assert.is((await call('GET', '/me', { token: user.token })).status, 401, 'a token with stale grants is refused');
  const refreshed = await call('POST', '/refresh', { token: user.token });
  assert.is(refreshed.status, 200, 'refresh exchanges it for one with the current grants');
  assert.is((await call('POST', '/refresh', { token: user.token })).status, 401, 'once');
  const me = await call('GET', '/me', { token: refreshed.body.token });
  assert.ok(me.body.permissions.includes('support.view'));
  const direct = await call('POST', `/users/${user.id}/permissions`, { token: admin, body: { permissions: ['reports.export'] } });
  assert.ok(direct.body.permissions.includes('reports.export'));
  assert.is((await call('DELETE', `/users/${user.id}/permissions/reports.export`, { token: admin })).status, 200);
  const removed = await call('DELETE', `/users/${user.id}/roles/support`, { token: admin });
  assert.equal(removed.body.roles, ['customer']);
  assert.is((await call('DELETE', `/users/${user.id}/roles/support`, { token: admin })).status, 404);
});

it('only a super-admin may grant super-admin', async () => {
  const manager = await registered('admin');
  await call('POST', `/users/${manager.id}/roles`, { token: admin, body: { role: 'admin' } });
  await call('POST', `/users/${manager.id}/permissions`, { token: admin, body: { permission: 'users.update' } });
  const withUpdate = (await call('POST', '/login', { body: { email: manager.email, password: manager.password } })).body.token;
  const target = await registered();
  const refused = await call('POST', `/users/${target.id}/roles`, { token: withUpdate, body: { roles: ['super-admin'] } });
  assert.is(refused.status, 403);
  assert.is((await call('POST', `/users/${target.id}/roles`, { token: withUpdate, body: { roles: ['support'] } })).status, 200);
});

it('customers get 403 on administration routes; users list searches', async () => {
  const user = await registered('searchme');
  assert.is((await call('GET', '/users', { token: user.token })).status, 403);
  assert.is((await call('POST', '/roles', { token: user.token, body: { name: 'x' } })).status, 403);
  const found = await call('GET', `/users?search=${encodeURIComponent(user.email)}`, { token: admin });
  assert.is(found.body.total, 1);
  assert.is(found.body.data[0].id, user.id);
  assert.equal(Object.keys(found.body).sort(), ['current_page', 'data', 'last_page', 'per_page', 'total']);
  assert.is((await call('GET', '/users/999999999', { token: admin })).status, 404);
});

it('health reports the database', async () => {
  assert.equal((await call('GET', '/health')).body, { status: 'ok', service: 'auth', database: 'up' });
});

it.run();
