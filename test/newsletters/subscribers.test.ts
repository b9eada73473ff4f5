import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import { USER_REGISTERED } from '../../functions/auth/events';
import { Subscriber } from '../../functions/newsletters/database';
import type { Call } from '../helpers/http';
import type { SmtpSink } from '../../scripts/smtp-sink';
import { eventually } from '../helpers/eventually';
import { deliver, outboxOf, serveNewsletters, tokens, uniqueEmail } from './helpers';

const it = suite('newsletters: subscribe, double opt-in, unsubscribe, staff routes');
let url: string;
let call: Call;
let sink: SmtpSink;

it.before(async () => {
  ({ url, call, sink } = await serveNewsletters());
});

const confirmationTo = async (email: string) => (await sink.waitFor((all) => all.some((m) => m.to.includes(email)))).filter((m) => m.to.includes(email));
const linkIn = (text: string, kind: 'confirm' | 'unsubscribe') => new RegExp(`(http://[^\\s)"]+/newsletters/${kind}/[A-Za-z0-9_-]+[^\\s)"]*)`).exec(text)?.[1];

/** The one answer of a subscription, whoever the address belongs to. */
const ANSWER = { message: 'Thank you. If this address has something to confirm, a link is on its way to it: please check your inbox.' };

/** What a subscriber stored (their details, status and dates), as staff would read it from the table. */
const storedOf = async (email: string) => {
  const row = await Subscriber.findOne({ where: { email }, paranoid: false });
  if (!row) return null;
  const { name, phone, preferences, status, source, user_id, subscribed_at, unsubscribed_at, bounce_count, created_at, updated_at, deleted_at } = row.get({ plain: true });
  return { name, phone, preferences, status, source, user_id, subscribed_at, unsubscribed_at, bounce_count, created_at, updated_at, deleted_at };
};
/** Lets the resend window of an address pass (as if its last confirmation mail were six minutes old). */
const windowPassed = (email: string) => Subscriber.update({ confirmation_sent_at: new Date(Date.now() - 6 * 60_000) }, { where: { email }, paranoid: false, silent: true });

it('subscribe: 200 { message, email }, pending, a confirmation mail with a link; the link confirms (emits subscribed); a second click is harmless', async () => {
  const email = uniqueEmail('optin');
  const res = await call('POST', '/newsletters/subscribe', { body: { email: `  ${email.toUpperCase()}  `.trim(), name: 'Ada', preferences: ['offers'], role: 'admin' } });
  assert.is(res.status, 200, res.text);
  assert.equal(res.body, { ...ANSWER, email }, 'neither tokens nor anything stored in the answer');
  assert.equal(await storedOf(email).then((s) => [s?.status, s?.name, s?.preferences]), ['pending', 'Ada', ['offers']]);
  const [mail] = await confirmationTo(email);
  assert.match(mail.subject, /confirm/i);
  const link = linkIn(mail.text, 'confirm');
  assert.ok(link, mail.text);
  assert.ok(mail.html.includes(link!.replace(/&/g, '&amp;')), 'the HTML part carries the same link');

  const confirmed = await fetch(link!);
  const body = (await confirmed.json()) as any;
  assert.equal([confirmed.status, body.status], [200, 'subscribed']);
  const row = (await Subscriber.findOne({ where: { email } }))!;
  assert.ok(row.subscribed_at);
  assert.equal((await outboxOf(ENGAGEMENT_EVENTS.subscriberSubscribed, row.id)).map((e) => [e.email, e.source]), [[email, 'website']]);
  const again = await fetch(link!);
  assert.equal([again.status, ((await again.json()) as any).status], [200, 'subscribed']);
  assert.is((await outboxOf(ENGAGEMENT_EVENTS.subscriberSubscribed, row.id)).length, 1, 'confirmed once');
});

it('anyone subscribing a known address learns nothing and changes nothing: new, pending, subscribed, unsubscribed and deleted addresses get the same answer; rows stay as stored', async () => {
  const known = { pending: uniqueEmail('st-pending'), subscribed: uniqueEmail('st-subscribed'), unsubscribed: uniqueEmail('st-left'), deleted: uniqueEmail('st-deleted') };
  for (const email of Object.values(known)) {
    await call('POST', '/subscribe', { body: { email, name: 'Owner', phone: '+33 1 11 11 11 11', preferences: ['news'] } });
    await confirmationTo(email);
  }
  for (const email of [known.subscribed, known.unsubscribed, known.deleted]) await fetch(`${url}/newsletters/confirm/${(await Subscriber.findOne({ where: { email } }))!.confirm_token}`);
  await fetch(`${url}/newsletters/unsubscribe/${(await Subscriber.findOne({ where: { email: known.unsubscribed } }))!.unsubscribe_token}`);
  await call('DELETE', `/newsletters/${(await Subscriber.findOne({ where: { email: known.deleted } }))!.id}`, { token: tokens.admin });
  for (const email of Object.values(known)) await windowPassed(email);
  const before: Record<string, Awaited<ReturnType<typeof storedOf>>> = {};
  for (const [state, email] of Object.entries(known)) before[state] = await storedOf(email);
  assert.equal(Object.values(before).map((s) => s!.status), ['pending', 'subscribed', 'unsubscribed', 'subscribed']);

  const attack = { name: 'Mallory', phone: '+44 2 22 22 22 22', preferences: ['spam'], source: 'attacker' };
  const fresh = uniqueEmail('st-new');
  for (const path of ['/newsletters/subscribe', '/subscribe']) {
    const answers = await Promise.all([fresh, ...Object.values(known)].map((email) => call('POST', path, { body: { email, ...attack } })));
    for (const [i, res] of answers.entries()) {
      assert.is(res.status, 200, res.text);
      assert.is(res.text, JSON.stringify({ ...ANSWER, email: [fresh, ...Object.values(known)][i] }), 'byte for byte the same answer, apart from the address');
    }
  }
  for (const [state, email] of Object.entries(known)) assert.equal(await storedOf(email), before[state], `${state}: nothing stored changed`);
  assert.equal(await storedOf(fresh).then((s) => [s?.status, s?.name]), ['pending', 'Mallory'], 'a new address is pending with what was given');
});

it('a known address: what was asked waits for the link mailed to it, which applies it (and brings back one that left); a subscribed address asked nothing new gets no mail', async () => {
  const email = uniqueEmail('change');
  await call('POST', '/subscribe', { body: { email, name: 'Old name', preferences: ['news'] } });
  const [first] = await confirmationTo(email);
  await fetch(linkIn(first.text, 'confirm')!);
  await windowPassed(email);
  await call('POST', '/subscribe', { body: { email, name: 'Old name' } });
  await new Promise((r) => setTimeout(r, 200));
  assert.is(sink.messages(email).length, 1, 'subscribed, nothing new: no mail');

  await call('POST', '/subscribe', { body: { email, name: 'New name', preferences: ['offers'] } });
  await sink.waitFor((all) => all.filter((m) => m.to.includes(email)).length === 2);
  assert.equal(await storedOf(email).then((s) => [s!.name, s!.preferences]), ['Old name', ['news']], 'not before the link');
  const link = linkIn(sink.messages(email)[1].text, 'confirm')!;
  assert.is((await fetch(linkIn(first.text, 'confirm')!)).status, 404, 'the older link is retired');
  const confirmed = (await (await fetch(link)).json()) as any;
  assert.equal([confirmed.status, confirmed.name], ['subscribed', 'New name']);
  assert.equal(await storedOf(email).then((s) => [s!.name, s!.preferences]), ['New name', ['offers']]);
  const row = (await Subscriber.findOne({ where: { email } }))!;
  assert.is((await outboxOf(ENGAGEMENT_EVENTS.subscriberSubscribed, row.id)).length, 1, 'still subscribed once');

  await fetch(`${url}/newsletters/unsubscribe/${row.unsubscribe_token}`);
  await windowPassed(email);
  await call('POST', '/subscribe', { body: { email } });
  await sink.waitFor((all) => all.filter((m) => m.to.includes(email)).length === 3);
  assert.is((await storedOf(email))!.status, 'unsubscribed', 'still out until the link');
  const back = await fetch(linkIn(sink.messages(email)[2].text, 'confirm')!);
  assert.is(((await back.json()) as any).status, 'subscribed', 'double opt-in again');
  assert.is((await outboxOf(ENGAGEMENT_EVENTS.subscriberSubscribed, row.id)).length, 2);
});

it('a pending address is mailed again at most once per window, whoever asks and however often', async () => {
  const email = uniqueEmail('bomb');
  await call('POST', '/subscribe', { body: { email } });
  await confirmationTo(email);
  for (let i = 0; i < 5; i++) assert.is((await call('POST', '/newsletters/subscribe', { body: { email, name: `Try ${i}` } })).status, 200);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(sink.messages(email).length, 1, 'no second mail within the window');
  await windowPassed(email);
  await Promise.all(Array.from({ length: 5 }, () => call('POST', '/subscribe', { body: { email } })));
  await sink.waitFor((all) => all.filter((m) => m.to.includes(email)).length === 2);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(sink.messages(email).length, 2, 'one more after it');
  assert.is(await Subscriber.count({ where: { email } }), 1);
});

it('ten concurrent subscriptions of one address: one row, ten identical answers, one confirmation mail', async () => {
  const email = uniqueEmail('race');
  const answers = await Promise.all(Array.from({ length: 10 }, () => call('POST', '/newsletters/subscribe', { body: { email } })));
  assert.equal(new Set(answers.map((a) => `${a.status} ${a.text}`)).size, 1, answers.map((a) => a.text).join('\n'));
  assert.is(await Subscriber.count({ where: { email } }), 1);
  await confirmationTo(email);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(sink.messages(email).length, 1);
});

it('bad subscriptions are 422 naming the field; nothing is stored', async () => {
  for (const [body, field] of [[{}, 'email'], [{ email: 'not-an-email' }, 'email'], [{ email: uniqueEmail(), preferences: [{ name: 'offers' }] }, 'preferences.0'], [{ email: uniqueEmail(), name: 'x'.repeat(300) }, 'name']] as const) {
    const res = await call('POST', '/newsletters/subscribe', { body });
    assert.is(res.status, 422, JSON.stringify(body));
    assert.ok(res.body.errors[field], res.text);
  }
  assert.is((await call('POST', '/newsletters/subscribe', { raw: '{"email":', headers: { 'content-type': 'application/json' } })).status, 400);
});

it('unsubscribe by GET and by one-click POST (RFC 8058 form body); emits unsubscribed once; unknown tokens 404', async () => {
  for (const method of ['GET', 'POST'] as const) {
    const email = uniqueEmail(`leave-${method}`);
    await call('POST', '/newsletters/subscribe', { body: { email } });
    const row = (await Subscriber.findOne({ where: { email } }))!;
    await fetch(`${url}/newsletters/confirm/${row.confirm_token}`);
    const init = method === 'POST' ? { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' } : { method };
    const res = await fetch(`${url}/newsletters/unsubscribe/${row.unsubscribe_token}`, init);
    assert.equal([res.status, ((await res.json()) as any).status], [200, 'unsubscribed'], method);
    assert.is((await fetch(`${url}/newsletters/unsubscribe/${row.unsubscribe_token}`, init)).status, 200, 'a second click is harmless');
    const left = await outboxOf(ENGAGEMENT_EVENTS.subscriberUnsubscribed, row.id);
    assert.equal(left.map((e) => e.reason), ['unsubscribed']);
    const reloaded = (await Subscriber.findByPk(row.id))!;
    assert.ok(reloaded.unsubscribed_at);
    assert.is(reloaded.confirm_token, null, 'an old confirmation link no longer subscribes');
  }
  assert.is((await call('GET', '/newsletters/unsubscribe/not-a-token')).status, 404);
  assert.is((await call('POST', '/newsletters/unsubscribe/not-a-token')).status, 404);
  assert.is((await call('GET', '/newsletters/confirm/not-a-token')).status, 404);
});

it('staff routes: reports.view reads, settings.update writes; customers 403; no token 401', async () => {
  const email = uniqueEmail('perm');
  await call('POST', '/subscribe', { body: { email } });
  const row = (await Subscriber.findOne({ where: { email } }))!;
  assert.is((await call('GET', '/newsletters')).status, 401);
  assert.is((await call('GET', '/newsletters', { token: tokens.customer })).status, 403);
  assert.is((await call('GET', `/newsletters/${row.id}`, { token: tokens.customer })).status, 403);
  assert.is((await call('GET', '/newsletters', { token: tokens.reporter })).status, 200);
  assert.is((await call('GET', '/stats', { token: tokens.reporter })).status, 200);
  assert.is((await call('PUT', `/newsletters/${row.id}`, { token: tokens.reporter, body: { name: 'x' } })).status, 403);
  assert.is((await call('DELETE', `/newsletters/${row.id}`, { token: tokens.reporter })).status, 403);
  assert.is((await call('POST', '/newsletters/bulk-import', { token: tokens.reporter, body: { subscribers: [{ email: uniqueEmail() }] } })).status, 403);
  assert.is((await call('PUT', `/newsletters/${row.id}`, { token: tokens.editor, body: { name: 'Edited' } })).status, 200);
});

it('list: Laravel pagination, filters status/search/source, sort; 422 for an unknown sort', async () => {
  const tag = `list-${randomUUID().slice(0, 8)}`;
  for (let i = 0; i < 3; i++) await call('POST', '/subscribe', { body: { email: uniqueEmail(tag), name: `${tag} ${i}`, source: tag } });
  const page = await call('GET', `/newsletters?source=${tag}&per_page=2&sort=email`, { token: tokens.admin });
  assert.is(page.status, 200, page.text);
  assert.equal(Object.keys(page.body).sort(), ['current_page', 'data', 'last_page', 'per_page', 'total']);
  assert.equal([page.body.total, page.body.per_page, page.body.last_page, page.body.data.length], [3, 2, 2, 2]);
  assert.ok(page.body.data.every((s: any) => s.status === 'pending' && !('confirm_token' in s) && !('unsubscribe_token' in s)));
  const searched = await call('GET', `/newsletters?search=${tag}%201&status=pending`, { token: tokens.admin });
  assert.equal(searched.body.data.map((s: any) => s.name), [`${tag} 1`]);
  assert.is((await call('GET', `/newsletters?sort=password`, { token: tokens.admin })).status, 422);
  assert.is((await call('GET', `/newsletters?status=gone`, { token: tokens.admin })).status, 422);
  assert.is((await call('GET', `/newsletters?per_page=500`, { token: tokens.admin })).status, 422);
});

it('PUT is partial, a staff status change tells the others; DELETE 204 hides the row (404) and emits unsubscribed "deleted"', async () => {
  const email = uniqueEmail('staff');
  await call('POST', '/subscribe', { body: { email, name: 'Keep me', phone: '+33 1 23 45 67 89' } });
  const row = (await Subscriber.findOne({ where: { email } }))!;
  const put = await call('PUT', `/newsletters/${row.id}`, { token: tokens.admin, body: { status: 'subscribed', preferences: ['news'] } });
  assert.equal([put.status, put.body.status, put.body.name, put.body.phone, put.body.preferences], [200, 'subscribed', 'Keep me', '+33 1 23 45 67 89', ['news']]);
  assert.is((await outboxOf(ENGAGEMENT_EVENTS.subscriberSubscribed, row.id)).length, 1);
  const patch = await call('PATCH', `/newsletters/${row.id}`, { token: tokens.admin, body: { name: 'Renamed' } });
  assert.equal([patch.status, patch.body.name, patch.body.status], [200, 'Renamed', 'subscribed']);
  assert.is((await call('PUT', `/newsletters/${row.id}`, { token: tokens.admin, body: { status: 'gone' } })).status, 422);
  assert.is((await call('PUT', `/newsletters/${row.id}`, { token: tokens.admin, body: { email: 'nope' } })).status, 422);
  const other = uniqueEmail('taken');
  await call('POST', '/subscribe', { body: { email: other } });
  assert.is((await call('PUT', `/newsletters/${row.id}`, { token: tokens.admin, body: { email: other } })).status, 409);

  assert.is((await call('DELETE', `/newsletters/${row.id}`, { token: tokens.admin })).status, 204);
  assert.is((await call('GET', `/newsletters/${row.id}`, { token: tokens.admin })).status, 404);
  assert.is((await call('DELETE', `/newsletters/${row.id}`, { token: tokens.admin })).status, 404);
  assert.equal((await outboxOf(ENGAGEMENT_EVENTS.subscriberUnsubscribed, row.id)).map((e) => e.reason), ['deleted']);
  assert.is((await call('GET', `/newsletters?search=${encodeURIComponent(email)}`, { token: tokens.admin })).body.total, 0);
  assert.is((await call('GET', `/newsletters/confirm/${row.confirm_token}`)).status, 404, 'an old link does not bring it back');
  await windowPassed(email);
  assert.is((await call('POST', '/subscribe', { body: { email } })).status, 200);
  const { confirm_token } = (await Subscriber.findByPk(row.id, { paranoid: false }))!;
  await sink.waitFor((all) => all.some((m) => m.to.includes(email) && m.text.includes(confirm_token!)));
  assert.is((await call('GET', `/newsletters/${row.id}`, { token: tokens.admin })).status, 404, 'still deleted until the link');
  assert.is((await call('GET', `/newsletters/confirm/${confirm_token}`)).status, 200);
  assert.is((await call('GET', `/newsletters/${row.id}`, { token: tokens.admin })).body.status, 'subscribed', 'a deleted address that subscribes again is back once it confirms');
  assert.is((await call('GET', `/newsletters/abc`, { token: tokens.admin })).status, 422);
});

it('bulk import: pending with confirmation mails by default, or subscribed; existing addresses are not duplicated; bad entries 422 by index', async () => {
  const tag = `imp-${randomUUID().slice(0, 8)}`;
  const emails = [uniqueEmail(tag), uniqueEmail(tag)];
  const res = await call('POST', '/newsletters/bulk-import', { token: tokens.admin, body: { subscribers: emails.map((email) => ({ email, name: 'Imported' })), source: tag } });
  assert.is(res.status, 200, res.text);
  assert.equal([res.body.imported, res.body.existing], [2, 0]);
  await sink.waitFor((all) => emails.every((e) => all.some((m) => m.to.includes(e))));
  const again = await call('POST', '/newsletters/bulk-import', { token: tokens.admin, body: { subscribers: [{ email: emails[0] }, { email: uniqueEmail(tag) }], status: 'subscribed', source: tag } });
  assert.equal([again.body.imported, again.body.existing], [1, 1]);
  const list = await call('GET', `/newsletters?source=${tag}&status=subscribed`, { token: tokens.admin });
  assert.is(list.body.total, 2, 'subscribed directly (consent collected elsewhere)');
  for (const subscriber of list.body.data) assert.is((await outboxOf(ENGAGEMENT_EVENTS.subscriberSubscribed, subscriber.id)).length, 1, 'each tells the others once');
  const bad = await call('POST', '/newsletters/bulk-import', { token: tokens.admin, body: { subscribers: [{ email: uniqueEmail() }, { email: 'broken' }] } });
  assert.is(bad.status, 422);
  assert.ok(bad.body.errors['subscribers.1.email'], bad.text);
  assert.is((await call('POST', '/newsletters/bulk-import', { token: tokens.admin, body: { subscribers: [] } })).status, 422);
  assert.is((await call('POST', '/newsletters/bulk-import', { token: tokens.admin, body: {} })).status, 422);
  const plain = await call('POST', '/newsletters/bulk-import', { token: tokens.admin, body: { emails: [uniqueEmail(tag), uniqueEmail(tag)], source: tag } });
  assert.equal([plain.status, plain.body.imported], [200, 2], 'a plain list of addresses');
});

it('stats: counts per status and growth per day; the alias /stats answers the same', async () => {
  const before = (await call('GET', '/newsletters/stats', { token: tokens.reporter })).body;
  await call('POST', '/subscribe', { body: { email: uniqueEmail('stats') } });
  const after = await call('GET', '/newsletters/stats?days=7', { token: tokens.reporter });
  assert.is(after.status, 200);
  assert.is(after.body.pending, before.pending + 1);
  assert.is(after.body.total, before.total + 1);
  assert.equal(Object.keys(after.body.by_status).sort(), ['bounced', 'pending', 'subscribed', 'unsubscribed']);
  assert.is(after.body.growth.length, 7);
  const today = after.body.growth.at(-1);
  assert.is(today.date, new Date().toISOString().slice(0, 10));
  assert.ok(today.new >= 1);
  assert.equal((await call('GET', '/stats?days=7', { token: tokens.reporter })).body.by_status, after.body.by_status);
  assert.is((await call('GET', '/stats?days=0', { token: tokens.reporter })).status, 422);
});

it('user.registered with newsletter consent makes a pending subscriber (with mail), once; without consent nothing', async () => {
  const email = uniqueEmail('registered');
  const user = { id: 4242, firstname: 'Grace', lastname: 'Hopper', email, newsletter_consent: true, created_at: new Date().toISOString() };
  const eventId = randomUUID();
  assert.is((await deliver(url, USER_REGISTERED, user, eventId)).body.status, 'applied');
  assert.is((await deliver(url, USER_REGISTERED, user, eventId)).body.status, 'duplicate');
  assert.is((await deliver(url, USER_REGISTERED, user)).body.status, 'applied', 'another event about the same user');
  const rows = await Subscriber.findAll({ where: { email } });
  assert.equal(rows.map((r) => [r.status, r.name, r.source, r.user_id]), [['pending', 'Grace Hopper', 'registration', 4242]]);
  await eventually(async () => sink.messages(email).length, (n) => n === 1, 'one confirmation mail');
  const owner = uniqueEmail('registered-owner');
  await call('POST', '/subscribe', { body: { email: owner, name: 'Real Owner' } });
  await fetch(linkIn((await confirmationTo(owner))[0].text, 'confirm')!);
  await windowPassed(owner);
  const before = await storedOf(owner);
  assert.is((await deliver(url, USER_REGISTERED, { ...user, id: 4343, email: owner })).body.status, 'applied');
  assert.equal(await storedOf(owner), before, "registering with someone's address changes nothing they stored");
  const without = uniqueEmail('noconsent');
  await deliver(url, USER_REGISTERED, { ...user, email: without, newsletter_consent: false });
  assert.is(await Subscriber.count({ where: { email: without } }), 0);
  assert.is((await deliver(url, USER_REGISTERED, { id: 1 })).body.status, 'rejected', 'data that does not match the contract never applies');
});

it.run();
