import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storage } from '../../functions/kit/storage';
import type { Call } from '../helpers/http';
import { createProduct, startProducts, tokens } from './fixture';

/** Product images: presigned upload, checked confirmation, changes and deletion, against s3rver. */
const it = suite('products: images');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const S3rver = require('s3rver');
const S3_PORT = 19131;
let server: { run(): Promise<unknown>; close(): Promise<void> };
let call: Call;
let close: () => Promise<void>;
const previousEndpoint = process.env.S3_ENDPOINT;

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

it.before(async () => {
  server = new S3rver({ port: S3_PORT, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 's3-products-')), configureBuckets: [{ name: 'products' }] });
  await server.run();
  process.env.S3_ENDPOINT = `http://127.0.0.1:${S3_PORT}`;
  ({ call, close } = await startProducts());
});
it.after(async () => {
  await close();
  await server.close();
  if (previousEndpoint === undefined) delete process.env.S3_ENDPOINT;
  else process.env.S3_ENDPOINT = previousEndpoint;
});

const admin = () => tokens.merchant();
const exists = (key: string) => storage().statObject('products', key).then(() => true, () => false);

async function upload(productId: number, bytes: Buffer, contentType = 'image/png', filename = 'photo.png') {
  const target = await call('POST', `/admin/products/${productId}/images/upload-url`, { token: admin(), body: { filename, content_type: contentType, size: bytes.length } });
  assert.is(target.status, 200, target.text);
  const put = await fetch(target.body.url, { method: target.body.method, headers: target.body.headers, body: bytes });
  assert.is(put.status, 200, 'the client uploads straight to the object store');
  return target.body as { key: string; url: string; expires_at: string };
}

async function confirm(productId: number, body: Record<string, unknown>) {
  return call('POST', `/admin/products/${productId}/images`, { token: admin(), body });
}

it('upload-url: a presigned PUT under the product, for allowed types and sizes only', async () => {
  const product = await createProduct(call);
  const target = await upload(product.id, PNG);
  assert.match(target.key, new RegExp(`^product/${product.id}/[0-9a-f-]{36}\\.png$`));
  const request = (body: object, token = admin(), id = product.id) => call('POST', `/admin/products/${id}/images/upload-url`, { token, body });
  assert.is((await request({ filename: 'x.svg', content_type: 'image/svg+xml', size: 10 })).status, 422);
  assert.is((await request({ filename: 'x.png', content_type: 'image/png', size: 5 * 1024 * 1024 + 1 })).status, 422);
  assert.is((await request({ filename: 'x.png', content_type: 'image/png', size: 10 }, tokens.customer())).status, 403);
  assert.is((await request({ filename: 'x.png', content_type: 'image/png', size: 10 }, admin(), 999999)).status, 404);
});

it('confirm records a checked image; the first is the main one; the product shows it with a URL that works', async () => {
  const product = await createProduct(call);
  const target = await upload(product.id, PNG, 'image/png', '../my "holiday".png');
  const res = await confirm(product.id, { key: target.key, filename: '../my "holiday".png', alt_text: 'Front' });
  assert.is(res.status, 201, res.text);
  assert.equal([res.body.type, res.body.position, res.body.size, res.body.mime_type, res.body.filename, res.body.alt_text], ['main', 0, PNG.length, 'image/png', 'my holiday.png', 'Front']);
  assert.is((await confirm(product.id, { key: target.key })).status, 409, 'a key is recorded once');

  const shown = (await call('GET', `/products/${product.id}`)).body;
  assert.is(shown.images.length, 1);
  const download = await fetch(shown.images[0].url);
  assert.is(download.status, 200);
  assert.equal(Buffer.from(await download.arrayBuffer()), PNG);
  const listed = (await call('GET', `/products?search=${encodeURIComponent(product.ref)}`)).body.data[0];
  assert.is(listed.main_image_url, shown.images[0].url);
});

it('a new main image demotes the previous one; alt text, position and type change; delete removes the object', async () => {
  const product = await createProduct(call);
  const first = (await confirm(product.id, { key: (await upload(product.id, PNG)).key })).body;
  const second = (await confirm(product.id, { key: (await upload(product.id, JPEG, 'image/jpeg', 'b.jpg')).key })).body;
  assert.equal([second.type, second.position, second.mime_type], ['gallery', 1, 'image/jpeg']);
  const promoted = await call('PUT', `/admin/products/${product.id}/images/${second.id}`, { token: admin(), body: { type: 'main', alt_text: 'Side', position: 5 } });
  assert.equal([promoted.status, promoted.body.type, promoted.body.alt_text, promoted.body.position], [200, 'main', 'Side', 5]);
  const shown = (await call('GET', `/products/${product.id}`)).body;
  assert.equal(shown.images.map((i: { id: number; type: string }) => [i.id, i.type]), [[second.id, 'main'], [first.id, 'gallery']]);
  assert.is(shown.main_image_url, shown.images[0].url);
  assert.is((await call('PATCH', `/admin/products/${product.id}/images/${first.id}`, { token: admin(), body: { type: 'poster' } })).status, 422);

  assert.is((await call('DELETE', `/admin/products/${product.id}/images/${second.id}`, { token: admin() })).status, 204);
  assert.not.ok(await exists(second.key), 'the object is gone');
  assert.ok(await exists(first.key));
  assert.is((await call('DELETE', `/admin/products/${product.id}/images/${second.id}`, { token: admin() })).status, 404);
  assert.is((await call('GET', `/products/${product.id}`)).body.images.length, 1);
});

it('bytes that are not an allowed image are refused (422) and deleted; a key of another product is refused', async () => {
  const product = await createProduct(call);
  const fake = await upload(product.id, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'));
  const refused = await confirm(product.id, { key: fake.key });
  assert.is(refused.status, 422);
  assert.not.ok(await exists(fake.key), 'the object is deleted');
  const text = await upload(product.id, Buffer.from('just some text'), 'image/jpeg', 'x.jpg');
  assert.is((await confirm(product.id, { key: text.key })).status, 422);
  assert.not.ok(await exists(text.key));

  const other = await createProduct(call);
  const theirs = await upload(other.id, PNG);
  assert.is((await confirm(product.id, { key: theirs.key })).status, 422);
  assert.is((await confirm(product.id, { key: `product/${product.id}/never-uploaded.png` })).status, 422);
  assert.is((await call('GET', `/products/${product.id}`)).body.images.length, 0);
});

it("deleting a product removes its images' objects", async () => {
  const product = await createProduct(call);
  const keys = [(await upload(product.id, PNG)).key, (await upload(product.id, JPEG, 'image/jpeg')).key];
  for (const key of keys) assert.is((await confirm(product.id, { key })).status, 201);
  assert.is((await call('DELETE', `/admin/products/${product.id}`, { token: admin() })).status, 204);
  for (const key of keys) assert.not.ok(await exists(key), key);
});

it.run();
