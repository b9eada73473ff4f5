import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError } from '../../functions/kit/errors';
import { REPO_ROOT } from '../../scripts/local-env';
import { attachmentDisposition, confirmUpload, createUploadUrl, downloadUrl, sanitizeFilename, storage } from '../../functions/kit/storage';

/** The presigned upload flow against a real S3 server (s3rver), through the minio client. */
const it = suite('kit: uploads');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const S3rver = require('s3rver');
let server: { run(): Promise<unknown>; close(): Promise<void> };

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');

it.before(async () => {
  server = new S3rver({ port: 19002, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 's3-')), configureBuckets: [{ name: 'products' }, { name: 'sav' }] });
  await server.run();
  process.env.S3_ENDPOINT = 'http://127.0.0.1:19002';
});
it.after(async () => {
  delete process.env.S3_ENDPOINT;
  await server.close();
});

async function upload(bucket: 'products' | 'sav', contentType: string, bytes: Buffer, entity = 'product', id = 1) {
  const target = await createUploadUrl(bucket, entity, id, { content_type: contentType });
  const put = await fetch(target.url, { method: target.method, headers: target.headers, body: bytes });
  assert.is(put.status, 200, 'the client uploads straight to the object store');
  return target;
}

async function exists(bucket: string, key: string) {
  return storage().statObject(bucket, key).then(() => true, () => false);
}

it('an upload URL names a key under the entity, expires in 15 minutes, and takes a PUT', async () => {
  const target = await upload('products', 'image/png', PNG);
  assert.match(target.key, /^product\/1\/[0-9a-f-]{36}\.png$/);
  const minutes = (Date.parse(target.expires_at) - Date.now()) / 60_000;
  assert.ok(minutes > 14 && minutes <= 15);
  const stored = await confirmUpload('products', target.key, 'product/1/', 'image/png');
  assert.equal(stored, { key: target.key, size: PNG.length, mime_type: 'image/png' });
});

it('bytes that are not the declared type are refused (422) and the object deleted', async () => {
  const target = await upload('products', 'image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'));
  const error = await confirmUpload('products', target.key, 'product/1/', 'image/png').catch((e) => e);
  assert.instance(error, HttpError);
  assert.is(error.status, 422);
  assert.not.ok(await exists('products', target.key), 'the object is gone');
});

it('a PDF is fine for support, not for product images', async () => {
  const attachment = await upload('sav', 'application/pdf', PDF, 'ticket', 7);
  assert.is((await confirmUpload('sav', attachment.key, 'ticket/7/', 'application/pdf')).mime_type, 'application/pdf');
  const image = await upload('products', 'image/png', PDF);
  assert.is((await confirmUpload('products', image.key, 'product/1/').catch((e) => e)).status, 422);
});

it("a key outside the entity's prefix, or never uploaded, is a 422", async () => {
  assert.is((await confirmUpload('products', 'product/2/x.png', 'product/1/').catch((e) => e)).status, 422);
  assert.is((await confirmUpload('products', 'product/1/missing.png', 'product/1/').catch((e) => e)).status, 422);
});

it('downloads are presigned GETs, with attachment disposition when asked', async () => {
  const target = await upload('sav', 'text/plain', Buffer.from('hello support\n'), 'ticket', 8);
  const url = await downloadUrl('sav', target.key, 'my "notes".txt');
  const res = await fetch(url);
  assert.is(res.status, 200);
  assert.is(await res.text(), 'hello support\n');
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="my notes.txt"/);
});

it('a text file must be UTF-8 without NUL bytes all through, not only in its first bytes', async () => {
  const fine = await upload('sav', 'text/plain', Buffer.from('déjà vu\n'.repeat(200)), 'ticket', 9);
  assert.is((await confirmUpload('sav', fine.key, 'ticket/9/')).mime_type, 'text/plain');
  for (const tail of [Buffer.from([0]), Buffer.from([0xff, 0xfe]), Buffer.from([0xe2, 0x82])]) {
    const target = await upload('sav', 'text/plain', Buffer.concat([Buffer.from('plain text '.repeat(100)), tail]), 'ticket', 9);
    assert.is((await confirmUpload('sav', target.key, 'ticket/9/').catch((e) => e)).status, 422, tail.toString('hex'));
    assert.not.ok(await exists('sav', target.key));
  }
});

it('a download name outside ASCII gets an ASCII fallback and its UTF-8 form (RFC 5987)', () => {
  assert.is(attachmentDisposition('facture.pdf'), 'attachment; filename="facture.pdf"');
  assert.is(attachmentDisposition('reçu été.pdf'), `attachment; filename="recu ete.pdf"; filename*=UTF-8''re%C3%A7u%20%C3%A9t%C3%A9.pdf`);
  assert.is(attachmentDisposition('日本.txt'), `attachment; filename="file.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`);
});

it('file names are sanitized', () => {
  assert.is(sanitizeFilename('../../etc/passwd'), 'passwd');
  assert.is(sanitizeFilename('a\u0000b<c>"d".pdf'), 'abcd.pdf');
  assert.is(sanitizeFilename('...'), 'file');
});

it('presigned URLs carry the address clients reach (S3_PUBLIC_ENDPOINT) while functions use S3_ENDPOINT', () => {
  // A process of its own: the clients are made once per process. Presigning needs no server.
  const script = `require('./dist/functions/kit/storage').createUploadUrl('products', 'product', 1, { content_type: 'image/png' })
    .then((u) => require('./dist/functions/kit/storage').downloadUrl('sav', u.key, 'a.png').then((d) => console.log(JSON.stringify([u.url, d]))))`;
  const env = { ...process.env, S3_ENDPOINT: 'http://minio.internal:9000', S3_PUBLIC_ENDPOINT: 'https://files.example.test' };
  const [upload, download] = JSON.parse(execFileSync(process.execPath, ['-e', script], { env, cwd: REPO_ROOT }).toString()) as string[];
  assert.is(new URL(upload).host, 'files.example.test');
  assert.is(new URL(download).host, 'files.example.test');
});

it.run();
