import type Redis from 'ioredis';
import { connectRedis, redis } from './redis';
import { log } from './log';
import { onShutdown } from './lifecycle';
import { tokenTtlSeconds } from './config';

/**
 * Revoked token ids, shared by every function through a Redis stream. Each process keeps the
 * set in memory and follows the stream with a blocking read, so a logout is refused everywhere
 * within milliseconds while a verification costs no network round trip.
 */
const STREAM = 'auth:revoked-tokens';

const revoked = new Map<string, number>(); // jti -> exp (seconds)
let ready: Promise<void> | undefined;
let stopped = false;

export async function revokeToken(jti: string, exp: number): Promise<void> {
  revoked.set(jti, exp);
  const client = redis();
  const now = Date.now();
  // Entries older than the longest token life can only name expired tokens: trim them.
  const oldest = now - maxTokenLifeMs();
  await client.multi().xadd(STREAM, '*', 'jti', jti, 'exp', String(exp)).xtrim(STREAM, 'MINID', '~', String(oldest)).exec();
}

export function isRevoked(jti: string): boolean {
  return revoked.has(jti);
}

/** Resolves once the revocations already made are known; starts following new ones. */
export function revocationsReady(): Promise<void> {
  if (!ready) {
    let loaded!: () => void;
    ready = new Promise((resolve) => (loaded = resolve));
    void follow(loaded);
  }
  return ready;
}

async function follow(loaded: () => void): Promise<void> {
  const client: Redis = connectRedis('revocations', { blocking: true });
  let lastId = '0-0';
  let first = true;
  while (!stopped) {
    try {
      const result = await client.xread('COUNT', 1000, 'BLOCK', first ? 1 : 5000, 'STREAMS', STREAM, lastId);
      for (const [, entries] of result ?? []) {
        for (const [id, fields] of entries) {
          lastId = id;
          const jti = fields[fields.indexOf('jti') + 1];
          const exp = Number(fields[fields.indexOf('exp') + 1]);
          revoked.set(jti, exp);
        }
      }
      if (first && (!result || result[0][1].length < 1000)) {
        first = false;
        loaded();
      }
      forgetExpired();
    } catch (error) {
      if (stopped) break;
      log.warn({ err: error }, 'cannot read token revocations; retrying');
      loaded(); // do not hold requests hostage to Redis: signatures and expiry still apply
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function forgetExpired(): void {
  const now = Date.now() / 1000;
  for (const [jti, exp] of revoked) if (exp < now) revoked.delete(jti);
}

const maxTokenLifeMs = () => tokenTtlSeconds() * 1000 + 60_000;

onShutdown(() => {
  stopped = true;
});
