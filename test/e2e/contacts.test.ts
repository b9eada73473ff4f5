import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { signToken } from '../../functions/kit/jwt';
import { adminToken, client, uniqueEmail, type Call } from '../helpers/http';
import { testPlatform } from '../helpers/platform';
import { eventually } from '../helpers/eventually';

/** The contact base through Nginx, the gateway, the contacts function and the broker. */
const e2e = suite('end to end: contacts');
let call: Call;
let admin: string;

const findContact = (email: string) => call('GET', `/api/v1/contacts/contacts?search=${encodeURIComponent(email)}`, { token: admin });

e2e.before(async () => {
  const platform = await testPlatform();
  assert.ok(platform.urls.nginx, 'Nginx is installed');
  call = client(platform.urls.nginx);
  admin = await adminToken(call);
});

e2e('the contact form (public) puts its sender in the contact base, which staff find by search; support reads the message', async () => {
  const email = uniqueEmail('visitor');
  const sent = await call('POST', '/api/v1/contacts/contact', { body: { name: 'Rosalind Franklin', email, subject: 'Photo 51', message: 'Is the print still in stock?' } });
  assert.is(sent.status, 201, sent.text);
  assert.ok(sent.headers['x-request-id']);
  const found = await findContact(email);
  assert.is(found.status, 200, found.text);
  assert.is(found.body.total, 1);
  assert.equal([found.body.data[0].email, found.body.data[0].source, found.body.data[0].first_name, found.body.data[0].last_name], [email, 'contact_form', 'Rosalind', 'Franklin']);
  const inbox = await call('GET', `/api/v1/contacts/messages?search=${encodeURIComponent(email)}`, { token: admin });
  assert.equal([inbox.status, inbox.body.data[0]?.subject, inbox.body.data[0]?.status], [200, 'Photo 51', 'new']);
  const bad = await call('POST', '/api/v1/contacts/contact', { body: { name: 'x', email: 'not-an-email', subject: 's', message: 'm' } });
  assert.equal([bad.status, Object.keys(bad.body.errors)], [422, ['email']]);
  const customer = signToken({ id: 990_001, email: 'c@example.com', roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token;
  assert.is((await call('GET', '/api/v1/contacts/contacts', { token: customer })).status, 403, 'customers never see the contact base');
  assert.is((await call('GET', '/api/v1/contacts/contacts')).status, 401);
});

e2e('a customer who registers appears as a contact (source api) through the user.registered event', async () => {
  const email = uniqueEmail('newcomer');
  const registered = await call('POST', '/api/v1/auth/register', { body: { firstname: 'Katherine', lastname: 'Johnson', email, password: 'orbital mechanics' } });
  assert.is(registered.status, 201, registered.text);
  const found = await eventually(() => findContact(email), (r) => r.body.total === 1, 'the contact made from user.registered');
  const contact = found.body.data[0];
  assert.equal([contact.source, contact.first_name, contact.last_name, contact.user_id], ['api', 'Katherine', 'Johnson', registered.body.user.id]);
  // Writing to the contact form afterwards completes nothing that was known and keeps the source.
  await call('POST', '/api/v1/contacts/contact', { body: { name: 'K. J.', email, subject: 'Thanks', message: 'Great shop.' } });
  const after = (await findContact(email)).body.data[0];
  assert.equal([after.id, after.source, after.first_name], [contact.id, 'api', 'Katherine']);
});

e2e('a list exported as CSV through Nginx and the gateway: a streamed download with its headers', async () => {
  const tag = `vip ${randomUUID().slice(0, 8)}`;
  const created = await call('POST', '/api/v1/contacts/contacts', { token: admin, body: { email: uniqueEmail('exported'), first_name: '=cmd|calc', tags: [tag] } });
  assert.is(created.status, 201, created.text);
  const list = await call('POST', '/api/v1/contacts/lists', { token: admin, body: { name: `Dynamic ${randomUUID().slice(0, 8)}`, is_dynamic: true, criteria: { tags_all: [tag] } } });
  assert.equal([list.status, list.body.contact_count], [201, 1], list.text);
  const csv = await call('GET', `/api/v1/contacts/lists/${list.body.id}/export`, { token: admin, headers: { accept: 'text/csv' } });
  assert.is(csv.status, 200, csv.text);
  assert.is(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(String(csv.headers['content-disposition']), /^attachment; filename="contacts-dynamic-/);
  const lines = csv.text.trim().split('\r\n');
  assert.is(lines.length, 2);
  assert.ok(lines[1].includes(`'=cmd|calc`), 'a formula-leading cell is neutralized');
  // A static list: a DELETE with a JSON body crosses Nginx and the gateway.
  const fixed = await call('POST', '/api/v1/contacts/lists', { token: admin, body: { name: `Static ${randomUUID().slice(0, 8)}` } });
  const added = await call('POST', `/api/v1/contacts/lists/${fixed.body.id}/contacts`, { token: admin, body: { contact_ids: [created.body.id] } });
  assert.equal([added.status, added.body.data.contact_count], [200, 1], added.text);
  const removed = await call('DELETE', `/api/v1/contacts/lists/${fixed.body.id}/contacts`, { token: admin, body: { contact_ids: [created.body.id] } });
  assert.equal([removed.status, removed.body.removed, removed.body.data.contact_count], [200, 1, 0], removed.text);
});

e2e.run();
