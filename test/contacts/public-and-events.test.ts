import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import type { Call } from '../helpers/http';
import { sql } from '../../functions/contacts/database';
import { EVENTS, type OrderConfirmed } from '../../functions/contracts/commerce';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import { USER_REGISTERED } from '../../functions/auth/events';
import { createContact, deliver, freshId, newEmail, serveContacts, tokens } from './helpers';

const it = suite('contacts: contact form, messages inbox, public subscribe and tracking, event consumers');
let url: string;
let call: Call;
let close: () => Promise<void>;
it.before(async () => {
  ({ url, call, close } = await serveContacts());
});
it.after(() => close());

const admin = { token: tokens.admin };
/** The live contact of an e-mail, as the admin list finds it. */
async function contactOf(email: string) {
  const res = await call('GET', `/contacts?search=${encodeURIComponent(email)}`, admin);
  assert.ok(res.body.total <= 1, `one contact per e-mail: ${res.text}`);
  return res.body.data[0] as Record<string, any> | undefined;
}
const contactCount = async (email: string) => Number((await sql.select<{ n: number }>('SELECT COUNT(*) AS n FROM contacts WHERE email = ? AND deleted_at IS NULL', [email]))[0].n);

function order(email: string, total = '19.90', id = freshId()): OrderConfirmed {
  return {
    id, order_number: `ORD-${id}`, user_id: 42, customer_email: email,
    shipping_address: { id: 1, first_name: 'Jeanne', last_name: 'Baret', company: null, address_line_1: '1 quai', address_line_2: null, city: 'Nantes', postal_code: '44000', region: null, country_code: 'FR', country: 'France', phone: '+33 2 40 00 00 00' },
    items: [{ product_id: 1, product_name: 'Globe', product_ref: 'G-1', quantity: 1, unit_price_ht: '16.58', vat_rate: '20.00' }],
    total_amount_ttc: total, confirmed_at: new Date().toISOString(),
  };
}

it('contact form: 201 with the message; makes the contact (source contact_form); emits message.received; 422 on bad input', async () => {
  const email = newEmail('form');
  const res = await call('POST', '/contact', { body: { name: 'Marie Curie', email: email.toUpperCase(), subject: 'Radium', message: 'Do you ship to Poland?', status: 'answered' } });
  assert.is(res.status, 201, res.text);
  assert.equal([res.body.name, res.body.email, res.body.subject, res.body.message, res.body.status], ['Marie Curie', email, 'Radium', 'Do you ship to Poland?', 'new']);
  assert.not.ok('ip' in res.body || 'contact_id' in res.body, 'the sender does not see how it was filed');
  const contact = (await contactOf(email))!;
  assert.equal([contact.source, contact.first_name, contact.last_name], ['contact_form', 'Marie', 'Curie']);
  const [event] = await sql.select<{ type: string; data: string }>('SELECT type, data FROM outbox_events WHERE type = ? AND subject = ?', [ENGAGEMENT_EVENTS.contactMessageReceived, String(res.body.id)]);
  const data = JSON.parse(event.data);
  assert.equal([data.id, data.contact_id, data.email, data.subject, data.name], [res.body.id, contact.id, email, 'Radium', 'Marie Curie']);
  assert.ok(!Number.isNaN(Date.parse(data.received_at)));
  for (const [body, field] of [
    [{ email, subject: 's', message: 'm' }, 'name'],
    [{ name: 'n', email: 'nope', subject: 's', message: 'm' }, 'email'],
    [{ name: 'n', email, message: 'm' }, 'subject'],
    [{ name: 'n', email, subject: 's', message: '   ' }, 'message'],
    [{ name: 'n', email, subject: 's', message: 'x'.repeat(10_001) }, 'message'],
  ] as const) {
    const bad = await call('POST', '/contact', { body });
    assert.is(bad.status, 422, bad.text);
    assert.ok(bad.body.errors[field], bad.text);
  }
});

it('contact form: an existing contact keeps its source and data and only gains what it lacked; concurrent forms make one contact', async () => {
  const existing = await createContact(call, { first_name: 'Known', source: 'import', company: 'ACME' });
  await call('POST', '/contact', { body: { name: 'Someone Else', email: existing.email, subject: 's', message: 'm' } });
  const after = (await contactOf(existing.email))!;
  assert.equal([after.id, after.source, after.first_name, after.last_name, after.company], [existing.id, 'import', 'Known', 'Else', 'ACME']);
  const email = newEmail('race');
  const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => call('POST', '/contact', { body: { name: `Racer ${i}`, email, subject: 's', message: 'm' } })));
  assert.ok(answers.every((a) => a.status === 201), answers.map((a) => a.status).join());
  assert.is(await contactCount(email), 1);
});

it('messages inbox: support.view lists (filters), support.respond sets the status; others 403', async () => {
  const email = newEmail('inbox');
  const sent = (await call('POST', '/contact', { body: { name: 'Ann', email, subject: 'Where is my parcel', message: 'It is late.' } })).body;
  assert.is((await call('GET', '/messages')).status, 401);
  assert.is((await call('GET', '/messages', { token: tokens.customer })).status, 403);
  assert.is((await call('GET', '/messages', { token: tokens.marketer })).status, 403, 'settings.update is not support');
  const inbox = await call('GET', `/messages?status=new&search=${encodeURIComponent(email)}`, { token: tokens.support });
  assert.equal([inbox.status, inbox.body.total, inbox.body.data[0].id, inbox.body.data[0].message], [200, 1, sent.id, 'It is late.']);
  assert.ok(inbox.body.data[0].contact_id, 'staff see the contact it was filed under');
  const read = await call('PUT', `/messages/${sent.id}`, { token: tokens.support, body: { status: 'read' } });
  assert.equal([read.status, read.body.status, Boolean(read.body.read_at), read.body.answered_at], [200, 'read', true, null]);
  const answered = await call('PATCH', `/messages/${sent.id}`, { token: tokens.support, body: { status: 'answered' } });
  assert.equal([answered.body.status, Boolean(answered.body.answered_at)], ['answered', true]);
  assert.is((await call('GET', `/messages?status=answered&search=${encodeURIComponent(email)}`, { token: tokens.support })).body.total, 1);
  assert.is((await call('PUT', `/messages/${sent.id}`, { token: tokens.support, body: { status: 'spam' } })).status, 422);
  assert.is((await call('PUT', `/messages/${sent.id}`, { token: 'not-a-token', body: { status: 'read' } })).status, 401);
  assert.is((await call('PUT', `/messages/${sent.id}`, { token: tokens.marketer, body: { status: 'read' } })).status, 403);
  assert.is((await call('PUT', '/messages/999999999', { token: tokens.support, body: { status: 'read' } })).status, 404);
  assert.is((await call('GET', '/messages?status=lost', { token: tokens.support })).status, 422);
});

it('public subscribe and unsubscribe: idempotent, no token, same answer for unknown e-mails; tracking counts opens and clicks', async () => {
  const email = newEmail('sub');
  const first = await call('POST', '/public/subscribe', { body: { email, name: 'Paul Dirac', language: 'EN' } });
  assert.equal([first.status, first.body.email], [200, email], first.text);
  assert.is((await call('POST', '/public/subscribe', { body: { email } })).status, 200, 'again: still one contact');
  let contact = (await contactOf(email))!;
  assert.equal([contact.source, contact.newsletter_subscribed, contact.first_name, contact.language], ['newsletter_signup', true, 'Paul', 'en']);
  await call('POST', '/public/subscribe', { body: { email, type: 'sms' } });
  assert.is((await contactOf(email))!.sms_subscribed, true);
  const out = await call('POST', '/public/unsubscribe', { body: { email, type: 'newsletter' } });
  assert.is(out.status, 200);
  contact = (await contactOf(email))!;
  assert.equal([contact.newsletter_subscribed, contact.sms_subscribed, contact.status], [false, true, 'active']);
  await call('POST', '/public/unsubscribe', { body: { email } });
  contact = (await contactOf(email))!;
  assert.equal([contact.sms_subscribed, contact.status], [false, 'unsubscribed']);
  const list = (await call('POST', '/lists', { ...admin, body: { name: `Weekly ${randomUUID().slice(0, 8)}` } })).body;
  await call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: [contact.id] } });
  assert.is((await call('POST', '/public/unsubscribe', { body: { email, list_id: list.id } })).status, 200);
  assert.is((await call('GET', `/lists/${list.id}`, admin)).body.contact_count, 0, 'out of that list (and its count)');
  assert.equal((await call('GET', `/contacts/${contact.id}`, admin)).body.lists.map((l: { status: string }) => l.status), ['unsubscribed']);
  const unknown = await call('POST', '/public/unsubscribe', { body: { email: newEmail('stranger') } });
  assert.equal([unknown.status, unknown.body.message], [200, out.body.message], 'no way to learn who is a contact');
  assert.is((await call('POST', '/public/subscribe', { body: { email: 'nope' } })).status, 422);
  assert.is((await call('POST', '/public/subscribe', { body: { email, type: 'pigeon' } })).status, 422);

  assert.is((await call('POST', `/public/track/${contact.id}/opened`)).status, 200);
  assert.is((await call('POST', `/public/track/${contact.id}/opened`)).status, 200);
  assert.is((await call('POST', `/public/track/${contact.id}/clicked`)).status, 200);
  contact = (await contactOf(email))!;
  assert.equal([contact.emails_opened, contact.emails_clicked, Boolean(contact.last_clicked_at)], [2, 1, true]);
  assert.is((await call('POST', '/public/track/999999999/opened')).status, 404);
  assert.is((await call('POST', '/public/track/abc/opened')).status, 422);
});

it('user.registered: makes the contact (source api) once, even redelivered; an existing contact keeps its source and gains the user', async () => {
  const email = newEmail('registered');
  const user = { id: freshId(), firstname: 'Alan', lastname: 'Turing', email, newsletter_consent: false, created_at: new Date().toISOString() };
  const eventId = randomUUID();
  assert.equal((await deliver(url, USER_REGISTERED, user, eventId)).body.status, 'applied');
  assert.equal((await deliver(url, USER_REGISTERED, user, eventId)).body.status, 'duplicate');
  const contact = (await contactOf(email))!;
  assert.equal([contact.source, contact.first_name, contact.last_name, contact.user_id], ['api', 'Alan', 'Turing', user.id]);
  const known = await createContact(call, { first_name: 'Kept', source: 'import' });
  await deliver(url, USER_REGISTERED, { ...user, id: freshId(), email: known.email });
  const completed = (await contactOf(known.email))!;
  assert.equal([completed.source, completed.first_name, completed.last_name], ['import', 'Kept', 'Turing']);
  assert.ok(completed.user_id);
  const invalid = await deliver(url, USER_REGISTERED, { id: 1, email: 'x' });
  assert.equal([invalid.status, invalid.body.status], [200, 'rejected'], 'data off contract can never apply: recorded, not retried');
});

it('order.confirmed: counts orders and total spent in exact decimals, once per order, whatever the redeliveries; source purchase when new', async () => {
  const email = newEmail('buyer');
  const first = order(email, '0.10');
  const eventId = randomUUID();
  assert.equal((await deliver(url, EVENTS.orderConfirmed, first, eventId)).body.status, 'applied');
  assert.equal((await deliver(url, EVENTS.orderConfirmed, first, eventId)).body.status, 'duplicate');
  assert.equal((await deliver(url, EVENTS.orderConfirmed, first)).body.status, 'applied', 'another event about the same order');
  await deliver(url, EVENTS.orderConfirmed, order(email, '0.20'));
  await Promise.all(['1234.56', '0.05', '99999.99'].map((total) => deliver(url, EVENTS.orderConfirmed, order(email, total))));
  const contact = (await contactOf(email))!;
  assert.equal([contact.source, contact.total_orders, contact.total_spent], ['purchase', 5, '101234.90'], '0.10 + 0.20 + 1234.56 + 0.05 + 99999.99, never 0.30000000000000004');
  assert.equal([contact.first_name, contact.city, contact.country, contact.user_id], ['Jeanne', 'Nantes', 'FR', 42]);
  assert.ok(contact.last_purchase_at);
  const nobody = await deliver(url, EVENTS.orderConfirmed, order(''));
  assert.equal([nobody.status, nobody.body.status], [200, 'rejected'], 'an order without an e-mail can never make a contact');
  const known = await createContact(call, { source: 'manual', city: 'Lyon' });
  await deliver(url, EVENTS.orderConfirmed, order(known.email, '10.00'));
  const buyer = (await contactOf(known.email))!;
  assert.equal([buyer.source, buyer.city, buyer.total_orders, buyer.total_spent], ['manual', 'Lyon', 1, '10.00']);
});

it('concurrent events about one new e-mail make one contact', async () => {
  const email = newEmail('crowd');
  const user = { id: freshId(), firstname: 'Ada', lastname: 'King', email, newsletter_consent: true, created_at: new Date().toISOString() };
  const answers = await Promise.all([
    deliver(url, USER_REGISTERED, user),
    deliver(url, EVENTS.orderConfirmed, order(email)),
    deliver(url, ENGAGEMENT_EVENTS.subscriberSubscribed, { id: freshId(), email, name: 'Ada King', source: 'register', subscribed_at: new Date().toISOString() }),
    deliver(url, EVENTS.orderConfirmed, order(email)),
  ]);
  // A loser of a lock race answers 409 and the broker delivers it again: do what the broker does.
  for (const [index, answer] of answers.entries()) assert.ok(answer.status === 200 || answer.status === 409, `${index}: ${JSON.stringify(answer)}`);
  assert.is(await contactCount(email), 1);
});

it('newsletter events: the flag follows; an older fact arriving late changes nothing; a bounce marks the status', async () => {
  const email = newEmail('reader');
  const t = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  const subscribed = (at: string) => ({ id: freshId(), email, name: 'Lise Meitner', source: 'footer', subscribed_at: at });
  const unsubscribed = (at: string, reason = 'unsubscribed') => ({ id: freshId(), email, reason, unsubscribed_at: at });
  assert.equal((await deliver(url, ENGAGEMENT_EVENTS.subscriberSubscribed, subscribed(t(0)))).body.status, 'applied');
  let contact = (await contactOf(email))!;
  assert.equal([contact.source, contact.newsletter_subscribed, contact.first_name], ['newsletter_signup', true, 'Lise']);
  await deliver(url, ENGAGEMENT_EVENTS.subscriberUnsubscribed, unsubscribed(t(10)));
  assert.is((await contactOf(email))!.newsletter_subscribed, false);
  await deliver(url, ENGAGEMENT_EVENTS.subscriberSubscribed, subscribed(t(5)));
  assert.is((await contactOf(email))!.newsletter_subscribed, false, 'a subscription older than the unsubscription does not win');
  await deliver(url, ENGAGEMENT_EVENTS.subscriberSubscribed, subscribed(t(20)));
  assert.is((await contactOf(email))!.newsletter_subscribed, true);
  await deliver(url, ENGAGEMENT_EVENTS.subscriberUnsubscribed, unsubscribed(t(15)));
  assert.is((await contactOf(email))!.newsletter_subscribed, true, 'a late unsubscription older than the last subscription does not win');
  await deliver(url, ENGAGEMENT_EVENTS.subscriberUnsubscribed, unsubscribed(t(30), 'bounced'));
  contact = (await contactOf(email))!;
  assert.equal([contact.newsletter_subscribed, contact.status], [false, 'bounced']);
  const stranger = newEmail('stranger');
  assert.equal((await deliver(url, ENGAGEMENT_EVENTS.subscriberUnsubscribed, { ...unsubscribed(t(0)), email: stranger })).body.status, 'applied');
  assert.is(await contactOf(stranger), undefined, 'leaving a newsletter makes no contact');
});

it.run();
