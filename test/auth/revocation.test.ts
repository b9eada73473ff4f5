import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { REPO_ROOT } from '../../scripts/local-env';
import { prepareVerification, signToken, verifyToken } from '../../functions/kit/jwt';
import { revokeTokensBefore } from '../../functions/kit/revocation';
import { client, uniqueEmail, type Call } from '../helpers/http';
import { eventually } from '../helpers/eventually';
import { migrateAuth } from '../helpers/auth-db';

/** Revocation by user, role or permission: to the millisecond, across processes, and failing closed without Redis. */
const it = suite('token revocation');

const freshUserId = () => 2_000_000_000 + Math.floor(Math.random() * 100_000_000);
const refusal = (token: string) => {
  try {
    verifyToken(token);
    return 'accepted';
  } catch (error) {
    return `${(error as { status: number }).status} ${(error as Error).message}`;
  }
};

it.before(() => prepareVerification());

it('a revocation refuses tokens whose grants were read before it, to the millisecond: a token issued after it in the same second passes', async () => {
  const id = freshUserId();
  const user = { id, email: 'r@example.com', roles: ['customer'], permissions: ['orders.view'] };
  const before = Math.floor(Date.now() / 1000) * 1000 + 500; // mid-second: both tokens below share its `iat`
  const earlier = signToken(user, { issuedAtMs: before - 1 }).token;
  const later = signToken(user, { issuedAtMs: before + 1 }).token;
  assert.is((jwt.decode(earlier) as { iat: number }).iat, (jwt.decode(later) as { iat: number }).iat);
  await revokeTokensBefore([{ sub: id }], before);
  assert.is(refusal(earlier), '401 Token has been revoked.');
  assert.is(refusal(later), 'accepted');
  const someoneElse = signToken({ ...user, id: id + 1 }, { issuedAtMs: before - 1 }).token;
  assert.is(refusal(someoneElse), 'accepted', "another user's token is untouched");
});

it('a role or permission revocation refuses the tokens carrying it, issued before', async () => {
  const role = `role-${Date.now()}`;
  const permission = `perm.${Date.now()}`;
  const holder = signToken({ id: freshUserId(), email: 'h@example.com', roles: [role], permissions: [] }).token;
  const carrier = signToken({ id: freshUserId(), email: 'c@example.com', roles: [], permissions: [permission] }).token;
  const neither = signToken({ id: freshUserId(), email: 'n@example.com', roles: ['customer'], permissions: ['orders.view'] }).token;
  await new Promise((r) => setTimeout(r, 2));
  await revokeTokensBefore([{ role }, { permission }]);
  assert.is(refusal(holder), '401 Token has been revoked.');
  assert.is(refusal(carrier), '401 Token has been revoked.');
  assert.is(refusal(neither), 'accepted');
});

it('a token without iat_ms (older than this change) counts from the start of its second', async () => {
  const id = freshUserId();
  const now = Date.now();
  const [, payload] = signToken({ id, email: 'o@example.com', roles: [], permissions: [] }, { issuedAtMs: now }).token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  delete claims.iat_ms;
  const legacy = jwt.sign(claims, readFileSync(process.env.JWT_PRIVATE_KEY_FILE!, 'utf8'), { algorithm: 'RS256' });
  await revokeTokensBefore([{ sub: id }], Math.floor(now / 1000) * 1000 + 1);
  assert.is(refusal(legacy), '401 Token has been revoked.');
});

/** A TCP proxy to the real Redis that the test opens and cuts: Redis "down" for one process only. */
class RedisDoor {
  private server?: Server;
  private sockets = new Set<Socket>();
  constructor(readonly port: number) {}
  static async onFreePort(): Promise<RedisDoor> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    return new RedisDoor(port);
  }
  async open(): Promise<void> {
    const target = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    this.server = createServer((inbound) => {
      const outbound = connect(Number(target.port || 6379), target.hostname);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  async shut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

it('fails closed: an auth process started while Redis is down answers 503 to a token, serves public routes; once it has read the revocations an outage keeps them', async () => {
  await migrateAuth();
  const door = await RedisDoor.onFreePort();
  const probe = await RedisDoor.onFreePort();
  const port = probe.port;
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'functions', 'host.js')], {
      env: { ...process.env, FUNCTION_TARGET: 'auth', PORT: String(port), REDIS_URL: `redis://127.0.0.1:${door.port}` },
      stdio: 'ignore',
    });
    const call: Call = client(`http://127.0.0.1:${port}`);
    await eventually(() => call('GET', '/live').then((r) => r.status, () => 0), (s) => s === 200, 'the auth process to listen', 10_000);

    // Redis unreachable since the start: public routes work, tokens cannot be checked.
    const registered = await call('POST', '/register', { body: { firstname: 'Fail', lastname: 'Closed', email: uniqueEmail('closed'), password: 'long enough password' } });
    assert.is(registered.status, 201, `a public route without a token works: ${registered.text}`);
    assert.is((await call('GET', '/health')).status, 200);
    const token = registered.body.token as string;
    const me = await call('GET', '/me', { token });
    assert.is(me.status, 503, me.text);
    assert.ok(Number(me.headers['retry-after']) > 0, 'with Retry-After');
    assert.is((await call('POST', '/validate-token', { token })).status, 503, 'a public route that presents a token is not served as if the token were fine');

    // Redis back: the process reads the revocations and follows them, as every process does.
    await door.open();
    await eventually(() => call('GET', '/me', { token }).then((r) => r.status), (s) => s === 200, 'the token to pass once revocations are read', 10_000);
    const id = registered.body.user.id as number;
    await revokeTokensBefore([{ sub: id }]);
    const revokedAt = Date.now();
    await eventually(() => call('GET', '/me', { token }).then((r) => r.status), (s) => s === 401, 'the other process to refuse the revoked token', 1000);
    assert.ok(Date.now() - revokedAt < 1000);

    // Redis down again: the last known list stays in force; what is revoked meanwhile is learnt when it returns.
    const fresh = signToken({ id, email: registered.body.user.email, roles: ['customer'], permissions: [] }).token;
    await door.shut();
    await new Promise((r) => setTimeout(r, 300));
    assert.is((await call('GET', '/me', { token })).status, 401, 'the revoked token stays refused');
    assert.is((await call('GET', '/me', { token: fresh })).status, 200, 'a sound token still passes');
    await revokeTokensBefore([{ sub: id }]);
    assert.is((await call('GET', '/me', { token: fresh })).status, 200, 'a revocation made during the outage is not known yet (the trade-off)');
    await door.open();
    await eventually(() => call('GET', '/me', { token: fresh }).then((r) => r.status), (s) => s === 401, 'the revocation made during the outage to be applied', 10_000);
  } finally {
    child?.kill('SIGTERM');
    await door.shut();
  }
});

it.run();
