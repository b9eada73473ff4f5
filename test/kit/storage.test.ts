import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryTypes } from 'sequelize';
import { HttpError } from '../../functions/kit/errors';
import { serviceDatabase } from '../../functions/kit/database';
import { migrateAndSeed } from '../../functions/kit/db';
import { runTickHooks } from '../../functions/kit/events/ticks';
import { presignV4 } from '../../functions/kit/presign';
import {
  attachmentDisposition, downloadUrl, pendingUploadsMigration, sanitizeFilename, storage, uploadsFor, type Bucket, type UploadTarget,
} from '../../functions/kit/storage';
import { startS3 } from '../helpers/s3';

/** The presigned upload flow against a real S3 server (s3rver) and database, through the minio client. */
const it = suite('kit: uploads');
const db = serviceDatabase('kituploads', () => ({}));
const products = uploadsFor(db, 'products');
const sav = uploadsFor(db, 'sav');
let stopS3: () => Promise<void>;

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
const HOUR = 60 * 60_000;

it.before(async () => {
  stopS3 = await startS3(['products', 'sav'], 82);
  await migrateAndSeed('kituploads', [pendingUploadsMigration], []);
  await db.sequelize.query('DELETE FROM pending_uploads');
});
it.after(() => stopS3());

let owners = 0;
const uploadsOf = (bucket: Bucket) => (bucket === 'sav' ? sav : products);

/** Asks for a URL, then PUTs `bytes` as a client does: with the headers the answer names, unless told otherwise. */
async function upload(bucket: Bucket, contentType: string, bytes: Buffer, options: { entity?: string; id?: number; owner?: number; headers?: Record<string, string>; size?: number } = {}) {
  const target = await uploadsOf(bucket).createUrl(options.owner ?? ++owners, options.entity ?? 'product', options.id ?? 1, { content_type: contentType, size: options.size ?? bytes.length });
  const put = await fetch(target.url, { method: target.method, headers: options.headers ?? target.headers, body: bytes });
  assert.is(put.status, 200, 'the client uploads straight to the object store');
  return target;
}

const exists = (bucket: string, key: string) => storage().statObject(bucket, key).then(() => true, () => false);
const pending = async (key: string) => (await db.sequelize.query('SELECT id FROM pending_uploads WHERE `key` = ?', { replacements: [key], type: QueryTypes.SELECT })).length;
/** The HttpError a call is refused with (a call that succeeds fails the test). */
async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.instance(error, HttpError, 'refused');
  return error as HttpError;
}

it('the presigner follows SigV4: the example of the S3 documentation, and the minio client when only the host is signed', async () => {
  const aws = presignV4({
    method: 'GET', endpoint: new URL('https://examplebucket.s3.amazonaws.com'), segments: ['test.txt'], accessKey: 'AKIAIOSFODNN7EXAMPLE',
    secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', expiresSeconds: 86400, date: new Date('2013-05-24T00:00:00Z'),
  });
  assert.is(new URL(aws).searchParams.get('X-Amz-Signature'), 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');
  const date = new Date();
  const endpoint = new URL(process.env.S3_ENDPOINT!);
  const ours = presignV4({ method: 'PUT', endpoint, segments: ['products', 'product', '1', 'a b.png'], accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1', expiresSeconds: 900, date });
  assert.is(ours, await storage().presignedUrl('PUT', 'products', 'product/1/a b.png', 900, {}, date));
});

it('an upload URL names a key under the entity, lives 15 minutes and signs the declared type and size; confirming it records it once', async () => {
  const target = await upload('products', 'image/png', PNG);
  assert.match(target.key, /^product\/1\/[0-9a-f-]{36}\.png$/);
  const minutes = (Date.parse(target.expires_at) - Date.now()) / 60_000;
  assert.ok(minutes > 14 && minutes <= 15);
  assert.equal(target.headers, { 'Content-Type': 'image/png', 'Content-Length': String(PNG.length) });
  assert.is(new URL(target.url).searchParams.get('X-Amz-SignedHeaders'), 'content-length;content-type;host', 'MinIO refuses a PUT with another type or size');
  assert.is(await pending(target.key), 1);
  const stored = await products.confirm(target.key, 'product/1/');
  assert.equal(stored, { key: target.key, size: PNG.length, mime_type: 'image/png' });
  assert.is(await pending(target.key), 0, 'no longer waiting');
  const again = await refusal(products.confirm(target.key, 'product/1/'));
  assert.equal([again.status, Object.keys(again.errors!)], [422, ['key']]);
  assert.ok(await exists('products', target.key), 'a second confirmation never deletes a recorded file');
});

it('a file stored as another type than declared (text/html for an image) is refused (422 content_type) and deleted', async () => {
  const html = await upload('products', 'image/png', PNG, { headers: { 'Content-Type': 'text/html' } });
  const error = await refusal(products.confirm(html.key, 'product/1/'));
  assert.is(error.status, 422);
  assert.match(error.errors!.content_type[0], /stored as text\/html, not as the declared image\/png/);
  assert.not.ok(await exists('products', html.key), 'the object is gone');
  assert.is(await pending(html.key), 0);
});

it('a file of another size than declared is refused (422 size) and deleted, also when it is within the limit', async () => {
  const bigger = await upload('sav', 'text/plain', Buffer.from('more text than declared\n'.repeat(100)), { entity: 'ticket', id: 7, size: 10, headers: { 'Content-Type': 'text/plain' } });
  const error = await refusal(sav.confirm(bigger.key, 'ticket/7/'));
  assert.equal([error.status, error.errors!.size], [422, ['The file has 2400 bytes, not the 10 declared.']]);
  assert.not.ok(await exists('sav', bigger.key));
  const huge = await upload('sav', 'text/plain', Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), { entity: 'ticket', id: 7, size: 1000, headers: { 'Content-Type': 'text/plain' } });
  assert.match((await refusal(sav.confirm(huge.key, 'ticket/7/'))).errors!.size[0], /larger than 10 MB/);
  assert.not.ok(await exists('sav', huge.key));
});

it('bytes that are not the declared type are refused (422 file) and deleted; a PDF is fine for support, not as a product image', async () => {
  const svg = await upload('products', 'image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'));
  const error = await refusal(products.confirm(svg.key, 'product/1/'));
  assert.equal([error.status, Object.keys(error.errors!)], [422, ['file']]);
  assert.not.ok(await exists('products', svg.key), 'the object is gone');
  const attachment = await upload('sav', 'application/pdf', PDF, { entity: 'ticket', id: 7 });
  assert.is((await sav.confirm(attachment.key, 'ticket/7/')).mime_type, 'application/pdf');
  const image = await upload('products', 'image/png', PDF);
  assert.is((await refusal(products.confirm(image.key, 'product/1/'))).status, 422);
});

it("a key outside the entity's prefix, never issued, or not uploaded yet is a 422 on key (a pending one may still be uploaded)", async () => {
  assert.is((await refusal(products.confirm('product/2/x.png', 'product/1/'))).errors!.key[0], 'The key does not belong to this resource.');
  assert.ok((await refusal(products.confirm('product/1/never-issued.png', 'product/1/'))).errors!.key);
  const target = await products.createUrl(++owners, 'product', 1, { content_type: 'image/png', size: PNG.length });
  assert.equal((await refusal(products.confirm(target.key, 'product/1/'))).errors!.key, ['No file was uploaded under this key.']);
  assert.is((await fetch(target.url, { method: 'PUT', headers: target.headers, body: PNG })).status, 200);
  assert.is((await products.confirm(target.key, 'product/1/')).size, PNG.length);
});

it('an upload never confirmed is removed by the tick once UPLOAD_TTL_MINUTES have passed, not before', async () => {
  const forgotten = await upload('sav', 'image/png', PNG, { entity: 'ticket', id: 9 });
  assert.is(await sav.sweep(new Date(Date.now() + 30 * 60_000)), 0, 'half an hour later it is still waiting');
  assert.ok(await exists('sav', forgotten.key));
  assert.ok((await sav.sweep(new Date(Date.now() + HOUR + 60_000))) >= 1);
  assert.not.ok(await exists('sav', forgotten.key), 'an hour later it is gone');
  assert.is(await pending(forgotten.key), 0);
  assert.ok((await refusal(sav.confirm(forgotten.key, 'ticket/9/'))).errors!.key, 'too late to confirm');

  // Through the tick's hook, as the event receiver runs it.
  const other = await upload('sav', 'image/png', PNG, { entity: 'ticket', id: 9 });
  await db.sequelize.query('UPDATE pending_uploads SET created_at = created_at - INTERVAL 2 HOUR, expires_at = expires_at - INTERVAL 2 HOUR WHERE `key` = ?', { replacements: [other.key] });
  await runTickHooks(db.sequelize);
  assert.not.ok(await exists('sav', other.key));
});

it('one caller has at most UPLOAD_MAX_PENDING uploads waiting (then 429 with Retry-After); a confirmation frees a place', async () => {
  process.env.UPLOAD_MAX_PENDING = '3';
  try {
    const owner = ++owners;
    const targets: UploadTarget[] = [];
    for (let i = 0; i < 3; i++) targets.push(await upload('products', 'image/png', PNG, { owner }));
    const refused = await refusal(products.createUrl(owner, 'product', 1, { content_type: 'image/png', size: 10 }));
    assert.is(refused.status, 429);
    assert.match(refused.message, /3 uploads waiting for confirmation/);
    assert.ok(Number(refused.headers!['Retry-After']) > 3500, 'until the oldest one is removed');
    assert.ok(await products.createUrl(++owners, 'product', 1, { content_type: 'image/png', size: 10 }), 'another caller is not held back');
    await products.confirm(targets[0].key, 'product/1/');
    assert.ok(await products.createUrl(owner, 'product', 1, { content_type: 'image/png', size: 10 }));
    await products.confirm(targets[1].key, 'product/1/');
    const parallel = await Promise.allSettled(Array.from({ length: 6 }, () => products.createUrl(owner, 'product', 1, { content_type: 'image/png', size: 10 })));
    assert.ok(parallel.filter((result) => result.status === 'fulfilled').length <= 1, 'parallel requests never get past the bound');
    const [{ count }] = await db.sequelize.query<{ count: number }>('SELECT COUNT(*) AS count FROM pending_uploads WHERE owner = ?', { replacements: [String(owner)], type: QueryTypes.SELECT });
    assert.ok(Number(count) <= 3, String(count));
  } finally {
    delete process.env.UPLOAD_MAX_PENDING;
  }
});

it('downloads are presigned GETs, with attachment disposition when asked, served as the recorded type whatever the object says', async () => {
  const target = await upload('sav', 'text/plain', Buffer.from('hello support\n'), { entity: 'ticket', id: 8 });
  const res = await fetch(await downloadUrl('sav', target.key, 'my "notes".txt'));
  assert.is(res.status, 200);
  assert.is(await res.text(), 'hello support\n');
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="my notes.txt"/);
  // An object stored as HTML before uploads were checked still reaches browsers as what was recorded.
  await storage().putObject('products', 'product/1/old.png', PNG, PNG.length, { 'Content-Type': 'text/html' });
  assert.is((await fetch(await downloadUrl('products', 'product/1/old.png'))).headers.get('content-type'), 'text/html');
  assert.is((await fetch(await downloadUrl('products', 'product/1/old.png', undefined, 'image/png'))).headers.get('content-type'), 'image/png');
});

it('a text file must be UTF-8 without NUL bytes all through, not only in its first bytes', async () => {
  const fine = await upload('sav', 'text/plain', Buffer.from('déjà vu\n'.repeat(200)), { entity: 'ticket', id: 9 });
  assert.is((await sav.confirm(fine.key, 'ticket/9/')).mime_type, 'text/plain');
  for (const tail of [Buffer.from([0]), Buffer.from([0xff, 0xfe]), Buffer.from([0xe2, 0x82])]) {
    const target = await upload('sav', 'text/plain', Buffer.concat([Buffer.from('plain text '.repeat(100)), tail]), { entity: 'ticket', id: 9 });
    assert.is((await refusal(sav.confirm(target.key, 'ticket/9/'))).status, 422, tail.toString('hex'));
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

it('presigned URLs carry the address clients reach (S3_PUBLIC_ENDPOINT) while functions use S3_ENDPOINT', async () => {
  process.env.S3_PUBLIC_ENDPOINT = 'https://files.example.test';
  try {
    const target = await products.createUrl(++owners, 'product', 1, { content_type: 'image/png', size: 10 });
    assert.is(new URL(target.url).host, 'files.example.test');
    assert.is(new URL(await downloadUrl('sav', target.key, 'a.png')).host, 'files.example.test');
  } finally {
    delete process.env.S3_PUBLIC_ENDPOINT;
  }
});

it.run();
