import '../helpers/env';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/local-env';
import { migrateAndSeed } from '../../functions/kit/db';
import { migrationsOf } from '../../functions/kit/service';
import { auth } from '../../functions/auth';
import { client, uniqueEmail } from '../helpers/http';

test('SIGTERM: the in-flight request finishes, then the process exits cleanly', async () => {
  await migrateAndSeed('auth', migrationsOf(auth), auth.seeds!);
  const port = 18950;
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'functions', 'host.js')], {
    env: { ...process.env, FUNCTION_TARGET: 'auth', PORT: String(port) },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const call = client(`http://127.0.0.1:${port}`);
  for (let i = 0; i < 100; i++) {
    if (await call('GET', '/health').then((r) => r.status === 200, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  // Registering hashes a password with scrypt: long enough to be in flight when SIGTERM lands.
  const inFlight = call('POST', '/register', { body: { firstname: 'Sig', lastname: 'Term', email: uniqueEmail('sigterm'), password: 'long enough password' } });
  await new Promise((r) => setTimeout(r, 15));
  child.kill('SIGTERM');
  const signalled = Date.now();
  const answer = await inFlight;
  assert.is(answer.status, 201, 'the request that was being served got its answer');
  assert.is(await exited, 0, 'the process exited with 0');
  assert.ok(Date.now() - signalled < 3000, `it stopped promptly (${Date.now() - signalled} ms)`);
  const after = await call('GET', '/health').then(() => 'answered', () => 'refused');
  assert.is(after, 'refused', 'nothing listens afterwards');
});

test.run();
