import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { csvCell, csvHeaders, csvLine } from '../../functions/kit/csv';
import { createHttpFunction } from '../../functions/kit/service';
import { reply, route } from '../../functions/kit/route';
import { compileStrict, fieldErrors } from '../../functions/kit/validation';
import { serveFunction } from '../helpers/serve';

const it = suite('kit: CSV cells, streamed replies, strict documents');

it('CSV: quoting (RFC 4180) and formula-leading text neutralized (=, +, -, @, tab, CR)', () => {
  assert.is(csvCell('plain'), 'plain');
  assert.is(csvCell('a,b'), '"a,b"');
  assert.is(csvCell('say "hi"'), '"say ""hi"""');
  assert.is(csvCell('two\nlines'), '"two\nlines"');
  assert.is(csvCell('=1+2'), "'=1+2");
  assert.is(csvCell('+33 1 23'), "'+33 1 23");
  assert.is(csvCell('-2'), "'-2");
  assert.is(csvCell('@SUM(A1:A2)'), "'@SUM(A1:A2)");
  assert.is(csvCell('\tx'), "'\tx");
  assert.is(csvCell('\rx'), `"'\rx"`, 'a carriage return is also quoted');
  assert.is(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.is(csvCell('a=b'), 'a=b', 'only a leading sign is a formula');
  assert.is(csvCell(-2), '-2', 'numbers are data, not formulas');
  assert.equal([csvCell(null), csvCell(undefined), csvCell(true), csvCell(new Date('2026-01-02T03:04:05Z'))], ['', '', 'true', '2026-01-02T03:04:05.000Z']);
  assert.is(csvLine(['a', 1, null]), 'a,1,\r\n');
  const headers = csvHeaders('contacts-été "x".csv');
  assert.is(headers['Content-Type'], 'text/csv; charset=utf-8');
  assert.is(headers['Content-Disposition'], `attachment; filename="contacts-ete _x_.csv"; filename*=UTF-8''contacts-%C3%A9t%C3%A9%20%22x%22.csv`);
});

it('strict documents: an unknown key is a 422-ready error naming it, nothing is stripped', () => {
  const check = compileStrict({ type: 'object', additionalProperties: false, properties: { city: { type: 'string' } } });
  const value = { city: 'Paris', cty: 'Lyon' };
  assert.is(check(value), false);
  assert.equal(value, { city: 'Paris', cty: 'Lyon' });
  assert.equal(fieldErrors(check.errors ?? [], ''), { cty: ['The cty field is not allowed here.'] });
});

let produced = 0;
async function* numbers(count: number, failAt?: number) {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error('the source broke');
    produced++;
    yield `${i}\n`.padEnd(1024, '.');
  }
}

const streams = createHttpFunction({
  name: 'streams', title: 'streams', description: 'test',
  routes: [
    route({ method: 'GET', path: '/numbers', summary: 'streamed', access: 'public', handler: () => reply.stream({ 'Content-Type': 'text/plain' }, numbers(2000)) }),
    route({ method: 'GET', path: '/many', summary: '50 MB', access: 'public', handler: () => reply.stream({ 'Content-Type': 'text/plain' }, numbers(50_000)) }),
    route({ method: 'GET', path: '/broken', summary: 'fails midway', access: 'public', handler: () => reply.stream({ 'Content-Type': 'text/plain' }, numbers(2000, 500)) }),
  ],
});

function get(url: string, path: string, stopAfterBytes?: number) {
  return new Promise<{ status: number; headers: Record<string, unknown>; bytes: number; complete: boolean }>((resolve) => {
    const req = request(new URL(path, url), (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (stopAfterBytes && bytes >= stopAfterBytes) req.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, complete: res.complete }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, complete: false }));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, complete: res.complete }));
    });
    req.on('error', () => undefined);
    req.end();
  });
}

it('a streamed reply is written as produced (chunked, no length) and complete', async () => {
  const served = await serveFunction(streams);
  try {
    const res = await get(served.url, '/numbers');
    assert.equal([res.status, res.headers['transfer-encoding'], res.headers['content-length'], res.bytes, res.complete], [200, 'chunked', undefined, 2000 * 1024, true]);
    assert.ok(res.headers['x-request-id']);
  } finally {
    await served.close();
  }
});

it('a client that goes away stops the producer (backpressure); a source that breaks cuts the response short', async () => {
  const served = await serveFunction(streams);
  try {
    produced = 0;
    await get(served.url, '/many', 64 * 1024);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(produced < 50_000, `stopped after ${produced} of 50000 pieces`);
    const broken = await get(served.url, '/broken');
    assert.is(broken.status, 200);
    assert.is(broken.complete, false, 'never a complete-looking truncated file');
  } finally {
    await served.close();
  }
});

it.run();
