import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { signToken } from '../../functions/kit/jwt';
import { testPlatform } from '../helpers/platform';

/**
 * Malformed requests through Nginx, as a fuzzing client sends them: every one is answered within
 * 2 s, never with a 500. A body larger than a function takes (1 MB), or one a function answers
 * before reading (401, 403, 404), used to stay in the keep-alive connection of the gateway (or
 * Nginx) and leave the next request on it unanswered.
 */
const e2e = suite('malformed requests through Nginx');
let port: number;

e2e.before(async () => {
  port = Number(new URL((await testPlatform()).urls.nginx!).port);
});

const customer = () => signToken({ id: 909090, email: 'fuzz@example.com', roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token;
const TARGETS = [
  'DELETE /api/v1/products/admin/products/1', 'POST /api/v1/baskets/admin/promo-codes', 'POST /api/v1/baskets/admin/types',
  'POST /api/v1/addresses/admin/regions', 'PUT /api/v1/products/admin/products/abc', 'PATCH /api/v1/sav/tickets/0',
  'POST /api/v1/orders/orders/create-from-basket', 'GET /api/v1/products/products/-1', 'GET /api/v1/orders/orders/99999999999999999999',
  'OPTIONS /api/v1/baskets/baskets/current', 'POST /api/v1/contacts/contacts', 'PUT /api/v1/websites/websites/1', 'GET /api/v1/questions/public/search',
];
const BIG = 'y'.repeat(1_100_000);
const BODIES = ['{"a":', '[]', 'null', '{"name":1,"price_ht":"x"}', '"\u0000"', Buffer.from([0xc3, 0x28, 0xff]).toString('latin1'), '{"per_page":-1}', ''];

interface Shot { method: string; path: string; body: string; chunked: boolean; token?: string; from: string }

function shoot({ method, path, body, chunked, token, from }: Shot): Promise<{ status: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    if (body) chunked ? (headers['transfer-encoding'] = 'chunked') : (headers['content-length'] = Buffer.byteLength(body, 'latin1'));
    const req = request({ host: '127.0.0.1', port, method, path, headers, localAddress: from }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - started }));
    });
    req.setTimeout(2000, () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', () => resolve({ status: -1, ms: Date.now() - started }));
    req.end(body || undefined, 'latin1');
  });
}

e2e('20,000 malformed requests (bodies, ids, methods, with and without tokens) are each answered within 2 s, none with a 500', async () => {
  const total = 20_000;
  const tokens = [undefined, customer(), 'not.a.token'];
  const shots: Shot[] = Array.from({ length: total }, (_, n) => {
    const [method, path] = TARGETS[n % TARGETS.length].split(' ');
    return {
      method, path,
      body: n % 50 === 7 ? BIG : BODIES[n % BODIES.length],
      chunked: n % 3 === 0,
      token: tokens[n % tokens.length],
      // 300 requests per minute per client: each address sends at most 80.
      from: `127.0.5.${1 + Math.floor(n / 80)}`,
    };
  });
  const unanswered: string[] = [];
  const failures: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < shots.length) {
      const shot = shots[next++];
      const { status } = await shoot(shot);
      const what = `${shot.method} ${shot.path} (${shot.body.length} bytes${shot.chunked ? ', chunked' : ''})`;
      if (status < 0) unanswered.push(what);
      else if (status === 500 || status === 502) failures.push(`${status} ${what}`);
    }
  }));
  assert.equal(unanswered.slice(0, 5), [], `${unanswered.length} of ${total} unanswered within 2 s`);
  assert.equal(failures.slice(0, 5), [], `${failures.length} of ${total} answered 500/502`);
});

e2e.run();
