import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { storage } from '../../functions/kit/storage';
import { db } from '../../functions/products/database';
import { bumpCatalogueVersion } from '../../functions/products/version';
import type { Call } from '../helpers/http';
import { startS3 } from '../helpers/s3';
import { createProduct, startProducts, tokens } from './fixture';

/** Product images: presigned upload, checked confirmation, changes and deletion, against s3rver. */
const it = suite('products: images');
let call: Call;
let close: () => Promise<void>;
let stopS3: () => Promise<void>;

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

it.before(async () => {
  stopS3 = await startS3(['products'], 81);
  ({ call, close } = await startProducts());
});
it.after(async () => {
  await close();
  await stopS3();
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

it('an image stored as text/html (declared image/png) is refused (422 content_type) and deleted', async () => {
  const product = await createProduct(call);
  const target = await call('POST', `/admin/products/${product.id}/images/upload-url`, { token: admin(), body: { filename: 'x.png', content_type: 'image/png', size: PNG.length } });
  assert.is(target.body.headers['Content-Type'], 'image/png');
  // s3rver takes the PUT (it checks no V4 signature; MinIO refuses it): the confirmation must catch it.
  assert.is((await fetch(target.body.url, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body: PNG })).status, 200);
  const refused = await confirm(product.id, { key: target.body.key });
  assert.is(refused.status, 422, refused.text);
  assert.match(refused.body.errors.content_type[0], /text\/html/);
  assert.not.ok(await exists(target.body.key), 'the object is deleted');
  assert.is((await call('GET', `/products/${product.id}`)).body.images.length, 0);
});

it('an image is served as its recorded type, even an object stored as text/html before uploads were checked', async () => {
  const product = await createProduct(call);
  const key = `product/${product.id}/legacy.png`;
  await storage().putObject('products', key, PNG, PNG.length, { 'Content-Type': 'text/html' });
  await db.sequelize.transaction(async (transaction) => {
    await db.sequelize.query("INSERT INTO product_images (product_id, `key`, filename, type, position, size, mime_type, created_at, updated_at) VALUES (?, ?, 'legacy.png', 'main', 0, ?, 'image/png', NOW(), NOW())", { replacements: [product.id, key, PNG.length], transaction });
    await bumpCatalogueVersion(transaction);
  });
  const shown = (await call('GET', `/products/${product.id}`)).body;
  for (const url of [shown.images[0].url, shown.main_image_url]) {
    const image = await fetch(url);
    assert.equal([image.status, image.headers.get('content-type')], [200, 'image/png']);
  }
});

it("deleting a product removes its images' objects", async () => {
  const product = await createProduct(call);
  const keys = [(await upload(product.id, PNG)).key, (await upload(product.id, JPEG, 'image/jpeg')).key];
  for (const key of keys) assert.is((await confirm(product.id, { key })).status, 201);
  assert.is((await call('DELETE', `/admin/products/${product.id}`, { token: admin() })).status, 204);
  for (const key of keys) assert.not.ok(await exists(key), key);
});

it.run();
