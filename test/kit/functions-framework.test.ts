import '../helpers/env';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AddressInfo } from 'node:net';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import '../../functions/auth';
import { client } from '../helpers/http';

test("functions-framework's own server serves a registered function, bodies included", async () => {
  const server = getTestServer('auth');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const call = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const health = await call('GET', '/health');
    assert.equal([health.status, health.body.service], [200, 'auth']);
    const invalid = await call('POST', '/register', { body: { email: 'nope' } });
    assert.is(invalid.status, 422, 'the body parsed by the framework reaches the kit');
    assert.ok(invalid.body.errors.email);
  } finally {
    server.close();
  }
});

test.run();
