/**
 * Test settings, applied before any platform module reads its environment: tests get their own
 * databases (prefix `test_`) and ports (+10000), so they run beside a developer's `npm start`.
 * `TEST_PORT_OFFSET` and `TEST_DATABASE_PREFIX` move a run elsewhere, so that two checkouts can
 * run their suites side by side on one machine.
 */
import { ensureDevKeys } from '../../scripts/local-env';

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: 'test',
  DATABASE_PREFIX: process.env.TEST_DATABASE_PREFIX ?? 'test_',
  PORT_OFFSET: process.env.TEST_PORT_OFFSET ?? '10000',
  REDIS_KEY_PREFIX: `${process.env.TEST_DATABASE_PREFIX ?? 'test_'}`.replace(/_$/, ':'),
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  ADMIN_EMAIL: 'admin@test.local',
  ADMIN_PASSWORD: 'admin-password-1',
  PLATFORM_SECRET: 'test-platform-secret',
  ...ensureDevKeys(),
};

Object.assign(process.env, TEST_ENV);

/** The environment as the run began: suites that point services elsewhere must not leak into the platform. */
export const PRISTINE_ENV: Record<string, string | undefined> = { ...process.env };

/** Forgets the counters and revocations earlier test runs left in Redis (only this prefix's keys). */
export async function resetTestRedis(): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${TEST_ENV.REDIS_KEY_PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
}
