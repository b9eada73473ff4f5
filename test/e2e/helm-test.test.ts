import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { testPlatform } from '../helpers/platform';
import { renderChart } from '../deploy/chart';

/**
 * The chart's `helm test` Pod (templates/tests/api.yaml), its command and environment as rendered,
 * run here against the whole platform through Nginx instead of the cluster's Nginx Service.
 */
const e2e = suite('helm test hook against the platform');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runTestPod(env: Record<string, string>): Promise<Run> {
  const pod = renderChart().manifests.find((m) => m.apiVersion === 'v1' && m.kind === 'Pod')!;
  const container = pod.spec.containers[0] as { command: string[]; env: Array<{ name: string; value: string }> };
  assert.is(container.command[0], 'node');
  const rendered = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  return new Promise((resolve) => {
    execFile(process.execPath, container.command.slice(1), { env: { PATH: process.env.PATH, ...rendered, ...env }, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

e2e('passes when the API answers and every function is up, fails otherwise', async () => {
  const platform = await testPlatform();
  assert.ok(platform.urls.nginx, 'Nginx is installed (.ci/run installs it)');
  const passed = await runTestPod({ BASE_URL: platform.urls.nginx });
  assert.is(passed.code, 0, passed.stdout + passed.stderr);
  assert.match(passed.stdout, /\/api\/health 200; 11 functions up/);

  const missing = await runTestPod({ BASE_URL: platform.urls.nginx, EXPECT_UP: 'auth,payments', DEADLINE_SECONDS: '0' });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /not up: payments/);

  const wrongPlace = await runTestPod({ BASE_URL: `${platform.urls.nginx}/elsewhere`, DEADLINE_SECONDS: '0' });
  assert.is(wrongPlace.code, 1);
  assert.match(wrongPlace.stderr, /GET \/api\/health answered 404/);
});

e2e.run();
