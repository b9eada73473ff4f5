import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { storage } from '../../functions/kit/storage';
import type { Call } from '../helpers/http';
import { db } from '../../functions/sav/database';
import { PING_EVENT_TYPE } from '../../functions/kit/events/declarations';
import { postEvent } from '../helpers/events';
import { agent, customer, freshId, newTicket, publicTicket, startSav, tokens, type SavHarness } from './helpers';

/** Ticket attachments: presigned upload, checked confirmation, download disposition, deletion, against s3rver. */
const it = suite('sav: attachments');
let sav: SavHarness;
let call: Call;

it.before(async () => {
  sav = await startSav({ s3: true });
  call = sav.call;
});
it.after(() => sav.close());

const FILES = {
  'application/pdf': Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
  'text/plain': Buffer.from('Numéro de commande : ORD-2026-000042\nMerci !\n'),
  'image/png': Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
  'image/jpeg': Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex'),
  'image/gif': Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
  'image/webp': Buffer.concat([Buffer.from('RIFF'), Buffer.from([26, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(14)]),
};
type Type = keyof typeof FILES;

const exists = (key: string) => storage().statObject('sav', key).then(() => true, () => false);

async function upload(ticketId: number, token: string, bytes: Buffer, contentType: string, filename = 'file', declaredSize = bytes.length) {
  const target = await call('POST', `/tickets/${ticketId}/attachments/upload-url`, { token, body: { filename, content_type: contentType, size: declaredSize } });
  assert.is(target.status, 200, target.text);
  // Bytes of another size than declared go without the signed Content-Length (s3rver takes them, MinIO would not).
  const headers = declaredSize === bytes.length ? target.body.headers : { 'Content-Type': contentType };
  const put = await fetch(target.body.url, { method: target.body.method, headers, body: bytes });
  assert.is(put.status, 200, 'the client uploads straight to the object store');
  return target.body as { key: string; url: string; method: string; expires_at: string };
}

/** The periodic tick, as the broker delivers it. */
const tick = (url: string) => postEvent(url, PING_EVENT_TYPE, {}, { source: '/local/ping' });

const confirm = (ticketId: number, token: string, body: object) => call('POST', `/tickets/${ticketId}/attachments`, { token, body });

it('PDF, text and images are accepted: upload-url under the ticket, confirm 201, listed, downloaded with attachment disposition', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  for (const [type, bytes] of Object.entries(FILES) as Array<[Type, Buffer]>) {
    const target = await upload(ticket.id, me.token, bytes, type, `proof.${type.split('/')[1]}`);
    assert.match(target.key, new RegExp(`^ticket/${ticket.id}/[0-9a-f-]{36}\\.\\w+$`));
    assert.ok(Date.parse(target.expires_at) > Date.now() + 14 * 60_000);
    const res = await confirm(ticket.id, me.token, { key: target.key, filename: `proof.${type.split('/')[1]}` });
    assert.is(res.status, 201, `${type}: ${res.text}`);
    assert.equal([res.body.mime_type, res.body.size, res.body.ticket_id, res.body.uploaded_by], [type, bytes.length, ticket.id, me.id]);
  }
  const listed = await call('GET', `/tickets/${ticket.id}/attachments`, { token: me.token });
  assert.equal([listed.status, listed.body.total], [200, 6]);
  const pdf = listed.body.data[0];
  const download = await call('GET', `/attachments/${pdf.id}/download`, { token: tokens.support() });
  assert.is(download.status, 200, download.text);
  const fetched = await fetch(download.body.url);
  assert.is(fetched.status, 200);
  assert.is(fetched.headers.get('content-disposition'), 'attachment; filename="proof.pdf"');
  assert.equal(Buffer.from(await fetched.arrayBuffer()), FILES['application/pdf']);
  assert.ok(Date.parse(download.body.expires_at) > Date.now());
  assert.is((await call('GET', `/tickets/${ticket.id}`, { token: me.token })).body.attachments.length, 6);
});

it('a file stored as another type than declared (text/html for a PNG) is refused (422 content_type) and deleted', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  const target = await call('POST', `/tickets/${ticket.id}/attachments/upload-url`, { token: me.token, body: { filename: 'page.png', content_type: 'image/png', size: FILES['image/png'].length } });
  assert.equal(target.body.headers, { 'Content-Type': 'image/png', 'Content-Length': String(FILES['image/png'].length) }, 'the client is told what the signature covers');
  // s3rver takes the PUT (it checks no V4 signature; MinIO refuses it): the confirmation must catch it.
  assert.is((await fetch(target.body.url, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body: FILES['image/png'] })).status, 200);
  const refused = await confirm(ticket.id, me.token, { key: target.body.key, filename: 'page.png' });
  assert.is(refused.status, 422, refused.text);
  assert.ok(refused.body.errors.content_type, refused.text);
  assert.not.ok(await exists(target.body.key), 'the refused object is deleted');
  assert.is((await call('GET', `/tickets/${ticket.id}/attachments`, { token: me.token })).body.total, 0);
});

it('the original name is sanitized, and a non-ASCII one downloads under its UTF-8 name', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  const target = await upload(ticket.id, me.token, FILES['text/plain'], 'text/plain');
  const res = await confirm(ticket.id, me.token, { key: target.key, filename: '../../etc/"reçu"\r\nX-Evil: 1;.txt' });
  assert.is(res.status, 201, res.text);
  assert.is(res.body.original_name, 'reçuX-Evil 1.txt');
  const download = (await call('GET', `/attachments/${res.body.id}/download`, { token: me.token })).body;
  const fetched = await fetch(download.url);
  assert.is(fetched.headers.get('content-disposition'), `attachment; filename="recuX-Evil 1.txt"; filename*=UTF-8''re%C3%A7uX-Evil%201.txt`);
  assert.is(fetched.headers.get('x-evil'), null);
});

it('other types, too large, or bytes that are not the declared type: 422 and the object deleted', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  const request = (body: object) => call('POST', `/tickets/${ticket.id}/attachments/upload-url`, { token: me.token, body });
  for (const body of [
    { filename: 'x.svg', content_type: 'image/svg+xml', size: 10 },
    { filename: 'x.html', content_type: 'text/html', size: 10 },
    { filename: 'x.zip', content_type: 'application/zip', size: 10 },
    { filename: 'x.pdf', content_type: 'application/pdf', size: 10 * 1024 * 1024 + 1 },
    { filename: 'x.pdf', content_type: 'application/pdf', size: 0 },
    { content_type: 'application/pdf', size: 10 },
  ]) {
    const res = await request(body);
    assert.is(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
  }
  const mismatched: Array<[Buffer, Type]> = [
    [FILES['image/png'], 'application/pdf'],
    [FILES['application/pdf'], 'image/png'],
    [Buffer.from('just some text'), 'image/jpeg'],
    [FILES['image/png'], 'text/plain'],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'text/plain'],
    [Buffer.concat([Buffer.from('looks like text at first\n'.repeat(40)), Buffer.from([0, 1, 2])]), 'text/plain'],
    [Buffer.concat([Buffer.from('text then invalid UTF-8 '.repeat(40)), Buffer.from([0xc3, 0x28])]), 'text/plain'],
  ];
  for (const [bytes, declared] of mismatched) {
    const target = await upload(ticket.id, me.token, bytes, declared);
    const res = await confirm(ticket.id, me.token, { key: target.key });
    assert.is(res.status, 422, `${declared} with ${bytes.subarray(0, 12).toString('hex')}: ${res.text}`);
    assert.ok(res.body.errors.file, res.text);
    assert.not.ok(await exists(target.key), 'the refused object is deleted');
  }
  // A file over 10 MB, or of any other size than declared, put behind a smaller declared size.
  for (const size of [10 * 1024 * 1024 + 1, 2000]) {
    const big = await upload(ticket.id, me.token, Buffer.alloc(size, 0x61), 'text/plain', 'big.txt', 1000);
    const res = await confirm(ticket.id, me.token, { key: big.key });
    assert.is(res.status, 422);
    assert.ok(res.body.errors.size, res.text);
    assert.not.ok(await exists(big.key));
  }
  assert.is((await call('GET', `/tickets/${ticket.id}/attachments`, { token: me.token })).body.total, 0);
});

it('keys of another ticket, unknown keys and a key twice are refused; a message must be of the ticket', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  const other = await newTicket(call, me.token);
  const theirs = await upload(other.id, me.token, FILES['image/png'], 'image/png');
  assert.is((await confirm(ticket.id, me.token, { key: theirs.key })).status, 422);
  assert.is((await confirm(ticket.id, me.token, { key: `ticket/${ticket.id}/../${other.id}/x.png` })).status, 422);
  assert.is((await confirm(ticket.id, me.token, { key: `ticket/${ticket.id}/never-uploaded.png` })).status, 422);
  assert.is((await confirm(ticket.id, me.token, {})).status, 422);
  const mine = await upload(ticket.id, me.token, FILES['image/png'], 'image/png');
  const message = (await call('POST', `/tickets/${ticket.id}/messages`, { token: me.token, body: { message: 'See the photo' } })).body;
  const foreign = (await call('POST', `/tickets/${other.id}/messages`, { token: me.token, body: { message: 'elsewhere' } })).body;
  assert.is((await confirm(ticket.id, me.token, { key: mine.key, message_id: foreign.id })).status, 422);
  const attached = await confirm(ticket.id, me.token, { key: mine.key, message_id: message.id });
  assert.equal([attached.status, attached.body.message_id], [201, message.id]);
  assert.is((await confirm(ticket.id, me.token, { key: mine.key })).status, 409, 'a key is recorded once');
});

it("only the ticket's people see and change attachments; internal notes' files stay internal; delete removes the object", async () => {
  const me = customer();
  const support = agent();
  const ticket = await newTicket(call, me.token);
  const stranger = customer();
  assert.is((await call('POST', `/tickets/${ticket.id}/attachments/upload-url`, { token: stranger.token, body: { filename: 'a.png', content_type: 'image/png', size: 10 } })).status, 404);
  const note = (await call('POST', `/tickets/${ticket.id}/messages`, { token: support.token, body: { message: 'Carrier report', is_internal: true } })).body;
  const internalFile = (await confirm(ticket.id, support.token, { key: (await upload(ticket.id, support.token, FILES['application/pdf'], 'application/pdf')).key, message_id: note.id, filename: 'carrier.pdf' })).body;
  const shared = (await confirm(ticket.id, me.token, { key: (await upload(ticket.id, me.token, FILES['image/png'], 'image/png')).key, filename: 'photo.png' })).body;
  assert.is((await confirm(ticket.id, me.token, { key: (await upload(ticket.id, me.token, FILES['image/png'], 'image/png')).key, message_id: note.id })).status, 422, 'a customer cannot attach to a note they cannot see');

  const customerList = await call('GET', `/tickets/${ticket.id}/attachments`, { token: me.token });
  assert.equal(customerList.body.data.map((a: { id: number }) => a.id), [shared.id]);
  assert.not.ok((await call('GET', `/tickets/${ticket.id}`, { token: me.token })).text.includes('carrier.pdf'));
  assert.is((await call('GET', `/attachments/${internalFile.id}/download`, { token: me.token })).status, 404);
  assert.is((await call('GET', `/attachments/${shared.id}/download`, { token: stranger.token })).status, 404);
  assert.is((await call('GET', `/attachments/${freshId()}/download`, { token: me.token })).status, 404);
  assert.equal((await call('GET', `/tickets/${ticket.id}/attachments`, { token: tokens.viewer() })).body.total, 2);

  assert.is((await call('DELETE', `/attachments/${shared.id}`, { token: stranger.token })).status, 404);
  assert.is((await call('DELETE', `/attachments/${internalFile.id}`, { token: me.token })).status, 404);
  assert.is((await call('DELETE', `/attachments/${shared.id}`, { token: tokens.viewer() })).status, 403);
  const sharedKey = (await call('GET', `/attachments/${shared.id}/download`, { token: me.token })).body.url as string;
  assert.ok(sharedKey);
  assert.is((await call('DELETE', `/attachments/${shared.id}`, { token: me.token })).status, 204);
  assert.is((await call('GET', `/attachments/${shared.id}/download`, { token: me.token })).status, 404);
  assert.is((await fetch(sharedKey)).status, 404, 'the object is gone');
  assert.is((await call('DELETE', `/attachments/${internalFile.id}`, { token: tokens.support() })).status, 204, 'an agent deletes any');
  assert.is((await call('GET', `/tickets/${ticket.id}/attachments`, { token: support.token })).body.total, 0);
});

it('uploads never confirmed are removed by the periodic tick once UPLOAD_TTL_MINUTES (60) have passed', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  const forgotten = await upload(ticket.id, me.token, FILES['application/pdf'], 'application/pdf');
  const recent = await upload(ticket.id, me.token, FILES['application/pdf'], 'application/pdf');
  assert.equal([(await tick(sav.url)).status, await exists(forgotten.key)], [200, true], 'a fresh upload is left alone');
  await db.sequelize.query('UPDATE pending_uploads SET created_at = created_at - INTERVAL 61 MINUTE, expires_at = expires_at - INTERVAL 61 MINUTE WHERE `key` = ?', { replacements: [forgotten.key] });
  assert.is((await tick(sav.url)).status, 200);
  assert.not.ok(await exists(forgotten.key), 'the object is gone from the store');
  assert.ok(await exists(recent.key));
  assert.is((await confirm(ticket.id, me.token, { key: forgotten.key })).status, 422, 'too late to confirm');
  assert.is((await confirm(ticket.id, me.token, { key: recent.key })).status, 201);
});

it('one customer holds at most 20 unconfirmed uploads, over all their tickets: the 21st upload URL is a 429', async () => {
  const me = customer();
  const [first, second] = [await newTicket(call, me.token), await newTicket(call, me.token)];
  const ask = (ticketId: number, token = me.token) => call('POST', `/tickets/${ticketId}/attachments/upload-url`, { token, body: { filename: 'a.pdf', content_type: 'application/pdf', size: 10 * 1024 * 1024 } });
  for (let i = 0; i < 20; i++) assert.is((await ask(i % 2 ? first.id : second.id)).status, 200);
  const refused = await ask(first.id);
  assert.is(refused.status, 429, refused.text);
  assert.match(refused.body.message, /20 uploads waiting for confirmation/);
  assert.ok(Number(refused.headers['retry-after']) > 0);
  assert.is((await ask(second.id)).status, 429);
  const other = customer();
  assert.is((await ask((await newTicket(call, other.token)).id, other.token)).status, 200, 'another customer is not held back');
});

it('a closed ticket takes no new attachment', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  const target = await upload(ticket.id, me.token, FILES['image/png'], 'image/png');
  assert.is((await call('POST', `/tickets/${ticket.id}/close`, { token: tokens.support() })).status, 200);
  assert.is((await call('POST', `/tickets/${ticket.id}/attachments/upload-url`, { token: me.token, body: { filename: 'a.png', content_type: 'image/png', size: 10 } })).status, 409);
  assert.is((await confirm(ticket.id, me.token, { key: target.key })).status, 409);
  // Public tickets have no attachment routes of their own: the account routes need a token.
  const guest = await publicTicket(call);
  assert.is((await call('GET', `/tickets/${guest.id}/attachments`)).status, 401);
});

it.run();
