/**
 * Runs every `*.test.ts` under test/ with uvu in one process (as uvu's CLI does), then stops
 * what the tests started (the platform's processes) so the run ends: `npm test [-- pattern]`.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stopTestPlatform } from './helpers/platform';
import { runShutdownHooks } from '../functions/kit/lifecycle';

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    });
}

async function main() {
  const pattern = process.argv[2] ? new RegExp(process.argv[2]) : undefined;
  // End-to-end suites last: they start the whole platform once and share it; the rate-limit
  // floods after them, since they spend the test IP's budgets.
  const rank = (file: string) => (file.endsWith('/e2e/rate-limits.test.ts') ? 2 : file.includes('/e2e/') ? 1 : 0);
  const files = testFiles(__dirname)
    .filter((file) => !pattern || pattern.test(relative(__dirname, file)))
    .sort((a, b) => rank(a) - rank(b));
  const uvu = globalThis as unknown as { UVU_DEFER: number; UVU_QUEUE: unknown[][]; UVU_INDEX: number };
  uvu.UVU_DEFER = 1; // before uvu loads: suites queue up instead of running at once
  const { exec } = require('uvu') as typeof import('uvu');
  files.forEach((file, index) => {
    uvu.UVU_QUEUE.push([relative(__dirname, file)]);
    uvu.UVU_INDEX = index;
    require(file);
  });
  await exec(false);
  await stopTestPlatform();
  await runShutdownHooks();
  process.exit(process.exitCode ?? 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
