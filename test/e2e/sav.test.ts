import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryTypes } from 'sequelize';
import { db } from '../../functions/sav/database';
import { adminToken, client, uniqueEmail, type Call } from '../helpers/http';
import { testPlatform } from '../helpers/platform';
import { eventually } from '../helpers/eventually';

/** Customer support through Nginx, the gateway, sav (which asks auth about agents), the broker and S3. */
const e2e = suite('end to end: customer support (sav)');
let call: Call;
let admin: string;

const SAV = '/api/v1/sav';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

async function register(tag: string) {
  const res = await call('POST', '/api/v1/auth/register', { body: { firstname: 'Ada', lastname: tag, email: uniqueEmail(tag), password: 'a good password' } });
  assert.is(res.status, 201, res.text);
  return { id: res.body.user.id as number, token: res.body.token as string, email: res.body.user.email as string };
}

/** A registered user made a support agent by the administrator, signed in again to carry the role. */
async function supportAgent() {
  const user = await register('agent');
  const password = 'a good password';
  assert.is((await call('POST', `/api/v1/auth/users/${user.id}/roles`, { token: admin, body: { roles: ['support'] } })).status, 200);
  const login = await call('POST', '/api/v1/auth/login', { body: { email: user.email, password } });
  assert.is(login.status, 200, login.text);
  return { id: user.id, token: login.body.token as string };
}

const statusOf = async (id: number, token: string) => (await call('GET', `${SAV}/tickets/${id}`, { token })).body.status as string;

e2e.before(async () => {
  const platform = await testPlatform();
  call = client(platform.urls.nginx);
  admin = await adminToken(call);
});

e2e('public ticket → agent reply (waiting) → customer reply with the token reopens → resolved → a new message reopens; events sent', async () => {
  const created = await call('POST', `${SAV}/public/tickets`, { body: { name: 'Grace', email: uniqueEmail('guest'), subject: 'Damaged parcel', message: 'The box was crushed.', order_number: 'ORD-2026-000001' } });
  assert.is(created.status, 201, created.text);
  const { id, ticket_number: number, access_token: token } = created.body;
  assert.match(number, /^SAV-\d{4}-\d{6}$/);
  const headers = { 'X-Ticket-Token': token };
  assert.is((await call('GET', `${SAV}/public/tickets/${number}`)).status, 403, 'no token');
  assert.is((await call('GET', `${SAV}/public/tickets/${number}`, { headers: { 'X-Ticket-Token': 'guess' } })).status, 404, 'a wrong token');

  const agent = await supportAgent();
  const assigned = await call('POST', `${SAV}/tickets/${id}/assign`, { token: admin, body: { assigned_to: agent.id } });
  assert.equal([assigned.status, assigned.body.assigned_to, assigned.body.status], [200, agent.id, 'in_progress'], assigned.text);
  assert.is((await call('POST', `${SAV}/tickets/${id}/messages`, { token: agent.token, body: { message: 'Refund approved by N2', is_internal: true } })).status, 201);
  assert.is((await call('POST', `${SAV}/tickets/${id}/messages`, { token: agent.token, body: { message: 'Sorry! Could you send a photo?' } })).status, 201);
  assert.is(await statusOf(id, agent.token), 'waiting_customer');

  const shown = await call('GET', `${SAV}/public/tickets/${number}?token=${encodeURIComponent(token)}`);
  assert.is(shown.status, 200, shown.text);
  assert.equal(shown.body.messages.map((m: { message: string }) => m.message), ['Sorry! Could you send a photo?']);
  const answer = await call('POST', `${SAV}/public/tickets/${id}/messages`, { headers, body: { message: 'Here is what I can say.' } });
  assert.is(answer.status, 201, answer.text);
  assert.is(await statusOf(id, agent.token), 'open', "the customer's answer reopens it");
  assert.is((await call('POST', `${SAV}/tickets/${id}/resolve`, { token: agent.token })).status, 200);
  assert.is((await call('POST', `${SAV}/public/tickets/${number}/messages`, { headers, body: { message: 'Still no refund.' } })).status, 201);
  assert.is(await statusOf(id, agent.token), 'open', 'a message on a resolved ticket reopens it');
  assert.is((await call('GET', `${SAV}/messages/unread-count`, { token: agent.token })).status, 200);

  // Every change's event left the outbox for the broker.
  const sent = await eventually(
    () => db.sequelize.query<{ type: string; sent_at: Date | null }>("SELECT type, sent_at FROM outbox_events WHERE subject = ? AND source = '/sav' ORDER BY id", { replacements: [String(id)], type: QueryTypes.SELECT }),
    (rows) => rows.length > 0 && rows.every((row) => row.sent_at !== null), 'the relay to send the ticket events',
  );
  assert.equal(sent.map((row) => row.type.replace('ecommerce.sav.ticket.', '')), [
    'created', 'status-changed', 'message-added', 'message-added', 'status-changed', 'message-added', 'status-changed', 'status-changed', 'message-added', 'status-changed',
  ]);
});

e2e('a customer ticket: attachment uploaded with a PUT to the presigned URL, downloaded by the agent as an attachment; a stranger sees nothing', async () => {
  const customer = await register('customer');
  const ticket = await call('POST', `${SAV}/tickets`, { token: customer.token, body: { subject: 'Invoice wrong', description: 'See attached.', priority: 'high', user_id: 1 } });
  assert.is(ticket.status, 201, ticket.text);
  assert.is(ticket.body.user_id, customer.id);
  const id = ticket.body.id as number;
  const target = await call('POST', `${SAV}/tickets/${id}/attachments/upload-url`, { token: customer.token, body: { filename: 'facture.pdf', content_type: 'application/pdf', size: PDF.length } });
  assert.is(target.status, 200, target.text);
  const put = await fetch(target.body.url, { method: target.body.method, headers: target.body.headers, body: PDF });
  assert.is(put.status, 200);
  const attached = await call('POST', `${SAV}/tickets/${id}/attachments`, { token: customer.token, body: { key: target.body.key, filename: 'facture.pdf' } });
  assert.is(attached.status, 201, attached.text);

  const agent = await supportAgent();
  const download = await call('GET', `${SAV}/attachments/${attached.body.id}/download`, { token: agent.token });
  assert.is(download.status, 200, download.text);
  const file = await fetch(download.body.url);
  assert.is(file.status, 200);
  assert.is(file.headers.get('content-disposition'), 'attachment; filename="facture.pdf"');
  assert.equal(Buffer.from(await file.arrayBuffer()), PDF);

  const stranger = await register('stranger');
  assert.is((await call('GET', `${SAV}/tickets/${id}`, { token: stranger.token })).status, 404);
  assert.is((await call('GET', `${SAV}/attachments/${attached.body.id}/download`, { token: stranger.token })).status, 404);
  const mine = await call('GET', `${SAV}/tickets?status=open`, { token: customer.token });
  assert.equal([mine.status, mine.body.total, mine.body.data[0].id], [200, 1, id]);
  const stats = await call('GET', `${SAV}/tickets/statistics`, { token: agent.token });
  assert.is(stats.status, 200);
  assert.ok(stats.body.by_priority.high >= 1);
  assert.is((await call('DELETE', `${SAV}/attachments/${attached.body.id}`, { token: customer.token })).status, 204);
  assert.is((await fetch(download.body.url)).status, 404, 'the object is gone');
});

e2e.run();
