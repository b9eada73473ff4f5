import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { adminToken, client, uniqueEmail, type Call } from '../helpers/http';
import { eventually } from '../helpers/eventually';
import { testPlatform } from '../helpers/platform';
import type { RunningPlatform } from '../../scripts/platform';

/** Issue 11: a change of grants, made through auth, is refused by every other function (each its own process). */
const e2e = suite('revocation across functions');
let platform: RunningPlatform;
let call: Call;
let admin: string;

e2e.before(async () => {
  platform = await testPlatform();
  call = client(platform.urls.nginx);
  admin = await adminToken(call);
});

e2e("a role change refuses the user's old token on another function within a second; refresh gives one with the new roles", async () => {
  const person = { firstname: 'Rev', lastname: 'Oked', email: uniqueEmail('revoked'), password: 'a long password' };
  const registered = await call('POST', '/api/v1/auth/register', { body: person });
  assert.is(registered.status, 201, registered.text);
  const old = registered.body.token as string;
  const addresses = client(platform.urls.addresses);
  assert.is((await addresses('GET', '/addresses', { token: old })).status, 200, 'the addresses function accepts the token');

  assert.is((await call('POST', `/api/v1/auth/users/${registered.body.user.id}/roles`, { token: admin, body: { roles: ['support'] } })).status, 200);
  const changed = Date.now();
  const refused = await eventually(() => addresses('GET', '/addresses', { token: old }), (r) => r.status === 401, 'the addresses function to refuse the old token', 1000);
  assert.ok(Date.now() - changed <= 1000, `refused after ${Date.now() - changed} ms`);
  assert.is(refused.body.message, 'Token has been revoked.');
  assert.is((await call('GET', '/api/v1/products/products', { token: old })).status, 401, 'the gateway refuses it too');

  // SPEC: the token reflects the new roles after refresh, through the gateway too.
  const refreshed = await call('POST', '/api/v1/auth/refresh', { token: old });
  assert.is(refreshed.status, 200, refreshed.text);
  assert.is((await addresses('GET', '/addresses', { token: refreshed.body.token })).status, 200, 'the new token passes at once');
  const me = await call('GET', '/api/v1/auth/me', { token: refreshed.body.token });
  assert.equal(me.body.roles, ['customer', 'support']);
  assert.is((await call('POST', '/api/v1/auth/refresh', { token: old })).status, 401, 'the old token is then over');
});

e2e.run();
