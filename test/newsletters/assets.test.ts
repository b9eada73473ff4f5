import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { signToken } from '../../functions/kit/jwt';
import { storage } from '../../functions/kit/storage';
import { db } from '../../functions/newsletters/database';
import type { Call } from '../helpers/http';
import { startS3 } from '../helpers/s3';
import { serveNewsletters, tick } from './helpers';

/** Campaign images: presigned upload bound to the declared type and size, checked confirmation, clean-up of what is never confirmed. */
const it = suite('newsletters: campaign assets');
let url: string;
let call: Call;
let stopS3: () => Promise<void>;

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
let lastId = 2_000_000 + Math.floor(Math.random() * 1_000_000_000);
/** An editor no earlier run used: the bound on waiting uploads is per user. */
const editor = () => signToken({ id: ++lastId, email: `editor${lastId}@example.com`, roles: ['manager'], permissions: ['settings.update'] }).token;

it.before(async () => {
  stopS3 = await startS3(['newsletters'], 83);
  ({ url, call } = await serveNewsletters());
});
it.after(() => stopS3());

const exists = (key: string) => storage().statObject('newsletters', key).then(() => true, () => false);

async function campaign(token: string) {
  const created = await call('POST', '/campaigns', { token, body: { name: 'Assets', subject: 'News', html_content: '<p>Hi</p>' } });
  assert.is(created.status, 201, created.text);
  return created.body.id as number;
}

async function uploadUrl(token: string, id: number, size = PNG.length) {
  const target = await call('POST', `/campaigns/${id}/assets/upload-url`, { token, body: { filename: 'banner.png', content_type: 'image/png', size } });
  assert.is(target.status, 200, target.text);
  return target.body as { url: string; method: string; headers: Record<string, string>; key: string };
}

it('an image uploaded as declared is recorded and served as image/png', async () => {
  const token = editor();
  const id = await campaign(token);
  const target = await uploadUrl(token, id);
  assert.equal(target.headers, { 'Content-Type': 'image/png', 'Content-Length': String(PNG.length) });
  assert.is((await fetch(target.url, { method: target.method, headers: target.headers, body: PNG })).status, 200);
  const asset = await call('POST', `/campaigns/${id}/assets`, { token, body: { key: target.key, filename: 'banner.png' } });
  assert.is(asset.status, 201, asset.text);
  const served = await fetch(asset.body.url);
  assert.equal([served.status, served.headers.get('content-type')], [200, 'image/png']);
});

it('an image stored as text/html, or of another size than declared, is refused (422 naming the field) and deleted', async () => {
  const token = editor();
  const id = await campaign(token);
  const html = await uploadUrl(token, id);
  assert.is((await fetch(html.url, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body: PNG })).status, 200);
  const refused = await call('POST', `/campaigns/${id}/assets`, { token, body: { key: html.key } });
  assert.equal([refused.status, Object.keys(refused.body.errors ?? {})], [422, ['content_type']], refused.text);
  assert.not.ok(await exists(html.key));
  const longer = await uploadUrl(token, id, 10);
  assert.is((await fetch(longer.url, { method: 'PUT', headers: { 'Content-Type': 'image/png' }, body: PNG })).status, 200);
  const tooLong = await call('POST', `/campaigns/${id}/assets`, { token, body: { key: longer.key } });
  assert.equal([tooLong.status, Object.keys(tooLong.body.errors ?? {})], [422, ['size']], tooLong.text);
  assert.not.ok(await exists(longer.key));
  assert.equal((await call('GET', `/campaigns/${id}/assets`, { token })).body.data, []);
});

it('an image never confirmed is removed by the tick after an hour; one user holds at most 20 waiting', async () => {
  const token = editor();
  const id = await campaign(token);
  const forgotten = await uploadUrl(token, id);
  assert.is((await fetch(forgotten.url, { method: forgotten.method, headers: forgotten.headers, body: PNG })).status, 200);
  await db.sequelize.query('UPDATE pending_uploads SET created_at = created_at - INTERVAL 2 HOUR, expires_at = expires_at - INTERVAL 2 HOUR WHERE `key` = ?', { replacements: [forgotten.key] });
  assert.is((await tick(url)).status, 200);
  assert.not.ok(await exists(forgotten.key), 'the object is gone from the store');
  for (let i = 0; i < 20; i++) await uploadUrl(token, id);
  const refused = await call('POST', `/campaigns/${id}/assets/upload-url`, { token, body: { filename: 'banner.png', content_type: 'image/png', size: 10 } });
  assert.is(refused.status, 429, refused.text);
});

it.run();
