import { join } from 'node:path';
import { startPlatform, type RunningPlatform } from '../../scripts/platform';
import { LOCAL_DIR } from '../../scripts/local-env';
import { PRISTINE_ENV, TEST_ENV, resetTestRedis } from './env';

let running: Promise<RunningPlatform> | undefined;

/**
 * The whole platform as `npm start` runs it (processes, Nginx, S3), on the test ports and
 * databases; started once per test run and stopped when the run ends.
 */
export function testPlatform(): Promise<RunningPlatform> {
  running ??= (async () => {
    await resetTestRedis();
    process.env = { ...PRISTINE_ENV };
    const platform = await startPlatform({
      portOffset: Number(TEST_ENV.PORT_OFFSET),
      databasePrefix: TEST_ENV.DATABASE_PREFIX,
      logDir: join(LOCAL_DIR, 'test-logs'),
      env: { ...TEST_ENV, LOG_LEVEL: 'info', RATE_LIMIT_SENSITIVE_PER_MINUTE: '40' },
    });
    process.once('exit', () => void platform.stop());
    return platform;
  })();
  return running;
}

export async function stopTestPlatform(): Promise<void> {
  if (running) await (await running).stop();
  running = undefined;
}
