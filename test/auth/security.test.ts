import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomInt } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createHttpFunction } from '../../functions/kit/service';
import { auth } from '../../functions/auth';
import { client, uniqueEmail, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { migrateAuth } from '../helpers/auth-db';

/** Issue 11: login limits under parallel attempts, granting requires holding, revocation on grant changes, session lifetime. */
const it = suite('auth security');
let url: string;
let call: Call;
let close: () => Promise<void>;
let superAdmin: string;

/** A client of its own loopback address: the per-IP failure budget of other tests is not spent. */
const freshClient = () => client(url, `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`);

interface Person { id: number; email: string; password: string; token: string }

async function registered(tag = 'sec'): Promise<Person> {
  const body = { firstname: 'Ada', lastname: 'Lovelace', email: uniqueEmail(tag), password: 'correct horse' };
  const res = await call('POST', '/register', { body });
  assert.is(res.status, 201, res.text);
  return { id: res.body.user.id, email: body.email, password: body.password, token: res.body.token };
}

async function signIn(person: Person): Promise<string> {
  const res = await call('POST', '/login', { body: { email: person.email, password: person.password } });
  assert.is(res.status, 200, res.text);
  return res.body.token;
}

/** A user given `roles` and direct `permissions` by the super-admin, signed in afterwards. */
async function staff(roles: string[], permissions: string[] = []): Promise<Person> {
  const person = await registered('staff');
  if (roles.length) assert.is((await call('POST', `/users/${person.id}/roles`, { token: superAdmin, body: { roles } })).status, 200);
  if (permissions.length) assert.is((await call('POST', `/users/${person.id}/permissions`, { token: superAdmin, body: { permissions } })).status, 200);
  return { ...person, token: await signIn(person) };
}

const grantsOf = async (id: number) => {
  const res = await call('GET', `/users/${id}`, { token: superAdmin });
  return { roles: res.body.roles, permissions: res.body.permissions };
};
/** Roles the tests create, deleted at the end (the auth suite expects only the seeded ones and its own). */
const createdRoles: number[] = [];
async function createRole(token: string, body: object) {
  const res = await call('POST', '/roles', { token, body });
  if (res.status === 201) createdRoles.push(res.body.id);
  return res;
}
const roleNamed = async (name: string) => (await call('GET', `/roles?search=${name}&per_page=100`, { token: superAdmin })).body.data.find((r: { name: string }) => r.name === name);

it.before(async () => {
  await migrateAuth();
  const served = await serveFunction(createHttpFunction(auth));
  url = served.url;
  call = client(url);
  close = served.close;
  const login = await call('POST', '/login', { body: { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD } });
  assert.is(login.status, 200, login.text);
  superAdmin = login.body.token;
});
it.after(async () => {
  for (const id of createdRoles) await call('DELETE', `/roles/${id}`, { token: superAdmin });
  await close();
});

it('30 parallel wrong passwords for one account: exactly 5 answers 401, the rest 429 with Retry-After; the right password is then 429 too', async () => {
  const user = await registered('race');
  const from = freshClient();
  const answers = await Promise.all(Array.from({ length: 30 }, () => from('POST', '/login', { body: { email: user.email, password: 'wrong password' } })));
  const statuses = answers.map((a) => a.status);
  assert.is(statuses.filter((s) => s === 401).length, 5, `answers: ${statuses.join(' ')}`);
  assert.is(statuses.filter((s) => s === 429).length, 25);
  for (const locked of answers.filter((a) => a.status === 429)) assert.ok(Number(locked.headers['retry-after']) > 0);
  const right = await freshClient()('POST', '/login', { body: { email: user.email, password: user.password } });
  assert.is(right.status, 429);
  assert.ok(Number(right.headers['retry-after']) > 0);
});

it('30 parallel wrong logins from one address (any accounts): exactly 20 answers 401, the rest 429', async () => {
  const from = freshClient();
  const answers = await Promise.all(Array.from({ length: 30 }, () => from('POST', '/login', { body: { email: uniqueEmail('ghost'), password: 'wrong password' } })));
  const statuses = answers.map((a) => a.status);
  assert.is(statuses.filter((s) => s === 401).length, 20, `answers: ${statuses.join(' ')}`);
  assert.is(statuses.filter((s) => s === 429).length, 10);
});

it('successful logins do not spend the per-address failure budget', async () => {
  const user = await registered('often');
  const from = freshClient();
  for (let i = 0; i < 25; i++) assert.is((await from('POST', '/login', { body: { email: user.email, password: user.password } })).status, 200, `login ${i + 1}`);
  assert.is((await from('POST', '/login', { body: { email: user.email, password: 'wrong password' } })).status, 401);
});

it('an admin cannot grant itself or anyone a permission it does not hold; nothing is stored', async () => {
  const admin = await staff(['admin']);
  const target = await registered();
  const before = await grantsOf(admin.id);
  for (const permission of ['settings.update', 'orders.delete']) {
    for (const who of [admin.id, target.id]) {
      const res = await call('POST', `/users/${who}/permissions`, { token: admin.token, body: { permissions: [permission] } });
      assert.is(res.status, 403, res.text);
      assert.match(res.body.message, permission);
    }
  }
  const mixed = await call('POST', `/users/${target.id}/permissions`, { token: admin.token, body: { permissions: ['reports.export', 'settings.update'] } });
  assert.is(mixed.status, 403);
  assert.equal(await grantsOf(admin.id), before);
  assert.equal((await grantsOf(target.id)).permissions, ['orders.create', 'orders.view', 'products.view']);
  const held = await call('POST', `/users/${target.id}/permissions`, { token: admin.token, body: { permissions: ['reports.export'] } });
  assert.is(held.status, 200, 'what the admin holds it may grant');
  assert.ok(held.body.permissions.includes('reports.export'));
});

it('an admin cannot add a permission it lacks to a role, customer included, nor create a role with it', async () => {
  const admin = await staff(['admin']);
  const customer = await roleNamed('customer');
  const wanted = [...customer.permissions, 'orders.delete'];
  for (const [method, path] of [['POST', `/roles/${customer.id}/permissions`], ['PUT', `/roles/${customer.id}`], ['PATCH', `/roles/${customer.id}`]]) {
    const res = await call(method, path, { token: admin.token, body: { permissions: wanted } });
    assert.is(res.status, 403, `${method} ${path}: ${res.text}`);
    assert.match(res.body.message, 'orders.delete');
  }
  assert.equal((await roleNamed('customer')).permissions, customer.permissions, 'customer is unchanged');
  const name = `escalator-${Date.now()}`;
  const created = await createRole(admin.token, { name, permissions: ['settings.update'] });
  assert.is(created.status, 403);
  assert.match(created.body.message, 'settings.update');
  assert.is(await roleNamed(name), undefined, 'no role was created');
  const renamed = await call('PUT', `/roles/${customer.id}`, { token: admin.token, body: { name: `shopper-${Date.now()}` } });
  assert.is(renamed.status, 403, 'renaming customer would make every customer staff');
  assert.is((await roleNamed('customer')).id, customer.id);
  const reports = (await call('GET', '/permissions?search=reports.export', { token: superAdmin })).body.data[0];
  const permissionRenamed = await call('PUT', `/permissions/${reports.id}`, { token: admin.token, body: { name: `settings.everything-${Date.now()}` } });
  assert.is(permissionRenamed.status, 403, 'a rename grants the new name to every holder');
  const ownRole = await createRole(admin.token, { name: `${name}-ok`, permissions: ['reports.view'] });
  assert.is(ownRole.status, 201, 'a role of permissions the admin holds is fine');
  const removing = await call('POST', `/roles/${ownRole.body.id}/permissions`, { token: admin.token, body: { permissions: [] } });
  assert.is(removing.status, 200, 'taking permissions away grants nothing');
});

it('granting a role needs every permission of that role', async () => {
  const agent = await staff(['support'], ['users.update']);
  const target = await registered();
  const refused = await call('POST', `/users/${target.id}/roles`, { token: agent.token, body: { roles: ['admin'] } });
  assert.is(refused.status, 403, refused.text);
  assert.match(refused.body.message, /the role "admin".*products\.create/);
  assert.not.match(refused.body.message, 'support.view', 'only what is lacking is named');
  assert.equal((await grantsOf(target.id)).roles, ['customer']);
  assert.is((await call('POST', `/users/${target.id}/roles`, { token: agent.token, body: { roles: ['support'] } })).status, 200, 'a role it fully holds');
});

it('a super-admin grants anything', async () => {
  const target = await registered();
  const given = await call('POST', `/users/${target.id}/permissions`, { token: superAdmin, body: { permissions: ['settings.update', 'orders.delete'] } });
  assert.is(given.status, 200);
  assert.ok(given.body.permissions.includes('settings.update'));
  assert.is((await call('POST', `/users/${target.id}/roles`, { token: superAdmin, body: { roles: ['admin'] } })).status, 200);
  const role = await createRole(superAdmin, { name: `powerful-${Date.now()}`, permissions: ['orders.delete'] });
  assert.is(role.status, 201);
  assert.is((await call('POST', `/roles/${role.body.id}/permissions`, { token: superAdmin, body: { permissions: ['orders.delete', 'settings.update'] } })).status, 200);
});

it("a change of a user's roles or permissions revokes their live tokens; signing in again at once gives one that works", async () => {
  const user = await registered();
  const changes: Array<[string, string, object?]> = [
    ['POST', `/users/${user.id}/roles`, { roles: ['support'] }],
    ['DELETE', `/users/${user.id}/roles/support`],
    ['POST', `/users/${user.id}/permissions`, { permissions: ['reports.view'] }],
    ['DELETE', `/users/${user.id}/permissions/reports.view`],
  ];
  let token = user.token;
  for (const [method, path, body] of changes) {
    assert.is((await call('GET', '/me', { token })).status, 200);
    assert.is((await call(method, path, { token: superAdmin, body })).status, 200, `${method} ${path}`);
    const old = await call('GET', '/me', { token });
    assert.equal([old.status, old.body.message], [401, 'Token has been revoked.'], `${method} ${path} revokes`);
    const refreshed = await call('POST', '/refresh', { token });
    assert.is(refreshed.status, 200, 'refresh exchanges a token with stale grants for one with the current grants');
    assert.is((await call('GET', '/me', { token: refreshed.body.token })).status, 200, 'the refreshed token passes (same second too)');
    assert.is((await call('POST', '/refresh', { token })).status, 401, 'the stale token is then over');
    token = await signIn(user);
    assert.is((await call('GET', '/me', { token })).status, 200, 'the token of a login just after the change passes (same second too)');
  }
  const me = await call('GET', '/me', { token });
  assert.equal([me.body.roles, me.body.permissions.includes('reports.view')], [['customer'], false]);
});

it('a change of a role (its permissions, its name, its deletion) revokes the tokens of everyone holding it, and only theirs', async () => {
  const name = `crew-${Date.now()}`;
  const role = await createRole(superAdmin, { name, permissions: ['reports.view'] });
  const holder = await staff([name]);
  const bystander = await staff(['support']);
  const changes: Array<[string, string, object?]> = [
    ['POST', `/roles/${role.body.id}/permissions`, { permissions: ['reports.view', 'reports.export'] }],
    ['PUT', `/roles/${role.body.id}`, { permissions: ['reports.view'] }],
    ['PUT', `/roles/${role.body.id}`, { name: `${name}-renamed` }],
    ['DELETE', `/roles/${role.body.id}`],
  ];
  let token = holder.token;
  for (const [method, path, body] of changes) {
    assert.is((await call('GET', '/me', { token })).status, 200);
    assert.ok([200, 204].includes((await call(method, path, { token: superAdmin, body })).status), `${method} ${path}`);
    assert.is((await call('GET', '/me', { token })).status, 401, `${method} ${path} revokes the holder's token`);
    token = await signIn(holder);
  }
  assert.is((await call('GET', '/me', { token: bystander.token })).status, 200, 'a user without the role keeps their token');
  const description = await createRole(superAdmin, { name: `${name}-2`, permissions: ['reports.view'] });
  const other = await staff([`${name}-2`]);
  await call('PUT', `/roles/${description.body.id}`, { token: superAdmin, body: { description: 'only words' } });
  await call('POST', `/roles/${description.body.id}/permissions`, { token: superAdmin, body: { permissions: ['reports.view'] } });
  assert.is((await call('GET', '/me', { token: other.token })).status, 200, 'a description, or the same set again, changes no grant');
});

it('deleting or renaming a permission revokes the tokens that carry it', async () => {
  const permission = await call('POST', '/permissions', { token: superAdmin, body: { name: `exports.run-${Date.now()}` } });
  const holder = await staff([], [permission.body.name]);
  await call('PUT', `/permissions/${permission.body.id}`, { token: superAdmin, body: { name: `${permission.body.name}-b` } });
  assert.is((await call('GET', '/me', { token: holder.token })).status, 401);
  const token = await signIn(holder);
  assert.is((await call('DELETE', `/permissions/${permission.body.id}`, { token: superAdmin })).status, 204);
  assert.is((await call('GET', '/me', { token })).status, 401);
});

it('a refused grant revokes nothing', async () => {
  const admin = await staff(['admin']);
  const target = await registered();
  assert.is((await call('POST', `/users/${target.id}/permissions`, { token: admin.token, body: { permissions: ['settings.update'] } })).status, 403);
  assert.is((await call('GET', '/me', { token: target.token })).status, 200);
  assert.is((await call('GET', '/me', { token: admin.token })).status, 200);
});

it('refresh keeps the login time and stops after JWT_MAX_SESSION_SECONDS with a clear 401', async () => {
  process.env.JWT_MAX_SESSION_SECONDS = '2';
  try {
    const user = await registered();
    const login = jwt.decode(user.token) as { auth_time: number; iat: number };
    assert.is(login.auth_time, login.iat);
    const refreshed = await call('POST', '/refresh', { token: user.token });
    assert.is(refreshed.status, 200, 'within the session refresh works');
    assert.is((jwt.decode(refreshed.body.token) as { auth_time: number }).auth_time, login.auth_time, 'the refreshed token carries the login time');
    await new Promise((r) => setTimeout(r, 2100));
    const late = await call('POST', '/refresh', { token: refreshed.body.token });
    assert.is(late.status, 401);
    assert.match(late.body.message, /session has reached its maximum length/);
    assert.is((await call('GET', '/me', { token: refreshed.body.token })).status, 200, 'the token itself lives until it expires');
    assert.is((await call('POST', '/login', { body: { email: user.email, password: user.password } })).status, 200, 'signing in starts a new session');
  } finally {
    delete process.env.JWT_MAX_SESSION_SECONDS;
  }
});

it.run();
