import type Redis from 'ioredis';
import { connectRedis, redis } from './redis';
import { log } from './log';
import { onShutdown } from './lifecycle';
import { tokenTtlSeconds } from './config';
import { unavailable } from './errors';

/**
 * Revocations, shared by every function through a Redis stream. Each process keeps them in
 * memory and follows the stream with a blocking read, so a revocation is refused everywhere
 * within milliseconds while a verification costs no network round trip. An entry is either
 * `{ jti, exp }` (one token: logout, refresh) or `{ sub | role | permission, before }` (every
 * token of that user, or carrying that role or permission, issued before `before`, epoch ms).
 */
const STREAM = 'auth:revoked-tokens';

/** Whose tokens a grants revocation refuses: a user's, or every one carrying a role or permission name. */
export type RevocationTarget = { sub: number } | { role: string } | { permission: string };

const revoked = new Map<string, number>(); // jti -> exp (seconds)
const revokedBefore = new Map<string, number>(); // `sub:12`, `role:admin`, `permission:x.y` -> epoch ms
let loaded = false;
let firstRead: Promise<void> | undefined;
let stopped = false;

const targetKey = (target: RevocationTarget) => Object.entries(target)[0].join(':');

/** What a verified token says about itself, for the revocation check. */
export interface IssuedToken {
  jti: string;
  sub: string;
  roles: string[];
  permissions: string[];
  /** When the grants it carries were read, epoch ms. */
  issuedAtMs: number;
}

export async function revokeToken(jti: string, exp: number): Promise<void> {
  revoked.set(jti, exp);
  await append([['jti', jti, 'exp', String(exp)]]);
}

/**
 * Refuses every token of these targets whose grants were read before `before` (now): a token
 * issued after it, even in the same second, still passes (tokens carry `iat_ms`).
 */
export async function revokeTokensBefore(targets: RevocationTarget[], before = Date.now()): Promise<void> {
  for (const target of targets) remember(targetKey(target), before);
  await append(targets.map((target) => [...Object.entries(target)[0].map(String), 'before', String(before)]));
}

async function append(entries: string[][]): Promise<void> {
  if (!entries.length) return;
  const batch = redis().multi();
  for (const fields of entries) batch.xadd(STREAM, '*', ...fields);
  // Entries older than the longest token life can only name expired tokens: trim them.
  batch.xtrim(STREAM, 'MINID', '~', String(Date.now() - maxTokenLifeMs()));
  try {
    await batch.exec();
  } catch (error) {
    log.error({ err: error }, 'cannot record a token revocation');
    throw unavailable('Token revocations cannot be recorded right now; nothing was changed. Try again.', 1);
  }
}

function remember(key: string, before: number): void {
  if (before > (revokedBefore.get(key) ?? 0)) revokedBefore.set(key, before);
}

/**
 * Why a token is refused, if it is: `session` (logged out or refreshed: it is over) or `grants`
 * (the roles or permissions it carries changed after it was issued: refresh may replace it with one
 * carrying the current ones).
 */
export function revocationOf(token: IssuedToken): 'session' | 'grants' | undefined {
  if (revoked.has(token.jti)) return 'session';
  if (revokedBefore.size === 0) return undefined;
  const issuedBefore = (key: string) => token.issuedAtMs < (revokedBefore.get(key) ?? 0);
  const stale = issuedBefore(`sub:${token.sub}`) || token.roles.some((r) => issuedBefore(`role:${r}`)) || token.permissions.some((p) => issuedBefore(`permission:${p}`));
  return stale ? 'grants' : undefined;
}

/** Whether the revocations made before this process started are known (until then tokens cannot be trusted). */
export const revocationsLoaded = () => loaded;

/**
 * Starts following the revocations; resolves once the first read has an answer, loaded or not
 * (Redis down), or after `waitMs`: requests without a token need not wait for Redis.
 */
export function revocationsReady(waitMs = 2000): Promise<void> {
  if (!firstRead) {
    let answered!: () => void;
    firstRead = new Promise((resolve) => (answered = resolve));
    void follow(answered);
    setTimeout(answered, waitMs).unref();
  }
  return firstRead;
}

async function follow(answered: () => void): Promise<void> {
  const client: Redis = connectRedis('revocations', { blocking: true });
  let lastId = '0-0';
  while (!stopped) {
    try {
      const result = await client.xread('COUNT', 1000, 'BLOCK', loaded ? 5000 : 1, 'STREAMS', STREAM, lastId);
      for (const [, entries] of result ?? []) {
        for (const [id, fields] of entries) {
          lastId = id;
          apply(fields);
        }
      }
      if (!loaded && (!result || result[0][1].length < 1000)) {
        loaded = true;
        answered();
      }
      forgetExpired();
    } catch (error) {
      if (stopped) break;
      // Before the first load tokens get 503; after it the last known list stays in force.
      log.warn({ err: error, loaded }, 'cannot read token revocations; retrying');
      answered();
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function apply(fields: string[]): void {
  const value = (name: string) => {
    const at = fields.indexOf(name);
    return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  };
  const jti = value('jti');
  if (jti !== undefined) {
    revoked.set(jti, Number(value('exp')));
    return;
  }
  const before = Number(value('before'));
  for (const kind of ['sub', 'role', 'permission']) {
    const name = value(kind);
    if (name !== undefined && Number.isFinite(before)) remember(`${kind}:${name}`, before);
  }
}

function forgetExpired(): void {
  const now = Date.now();
  for (const [jti, exp] of revoked) if (exp * 1000 < now) revoked.delete(jti);
  // A token issued before this is expired anyway.
  const oldest = now - maxTokenLifeMs();
  for (const [key, before] of revokedBefore) if (before < oldest) revokedBefore.delete(key);
}

const maxTokenLifeMs = () => tokenTtlSeconds() * 1000 + 60_000;

onShutdown(() => {
  stopped = true;
});
