import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Call } from '../helpers/http';
import { createContact, newEmail, serveContacts, tokens, uniqueName } from './helpers';

const it = suite('contacts: CRUD, filters, subscriptions, engagement, bulk actions, access');
let call: Call;
let close: () => Promise<void>;
it.before(async () => {
  ({ call, close } = await serveContacts());
});
it.after(() => close());

const admin = { token: tokens.admin };

it('create: 201 with the contact (e-mail lower-cased, codes normalized, tags by name); unknown and server-owned fields ignored', async () => {
  const email = newEmail('ADA');
  const tag = uniqueName('vip');
  const res = await call('POST', '/contacts', {
    ...admin,
    body: { email, first_name: 'Ada', last_name: 'Lovelace', country: 'fr', language: 'FR', tags: [tag], newsletter_subscribed: true, total_spent: '999.00', total_orders: 7, id: 3, hacker: true },
  });
  assert.is(res.status, 201, res.text);
  const c = res.body;
  assert.equal([c.email, c.first_name, c.country, c.language, c.status, c.source], [email.toLowerCase(), 'Ada', 'FR', 'fr', 'active', 'manual']);
  assert.equal([c.total_spent, c.total_orders, 'hacker' in c], ['0.00', 0, false], 'counters are not the client\'s to set');
  assert.is(c.newsletter_subscribed, true);
  assert.ok(c.subscribed_at, 'subscribing stamps subscribed_at');
  assert.equal(c.tags.map((t: { name: string }) => t.name), [tag]);
  const shown = await call('GET', `/contacts/${c.id}`, admin);
  assert.equal([shown.status, shown.body.email, shown.body.lists], [200, email.toLowerCase(), []]);
});

it('create: bad input answers 422 naming the field; a duplicate e-mail (any case) 409', async () => {
  for (const [body, field] of [
    [{}, 'email'],
    [{ email: 'not-an-email' }, 'email'],
    [{ email: newEmail(), status: 'gone' }, 'status'],
    [{ email: newEmail(), source: 'spam' }, 'source'],
    [{ email: newEmail(), country: 'France' }, 'country'],
    [{ email: newEmail(), newsletter_subscribed: 'maybe' }, 'newsletter_subscribed'],
    [{ email: newEmail(), tags: [{ name: 'vip' }] }, 'tags.0'],
    [{ email: newEmail(), tags: [999_999_999] }, 'tags'],
    [{ email: newEmail(), birth_date: '31/12/1990' }, 'birth_date'],
    [{ email: newEmail(), user_id: 99_999_999_999 }, 'user_id'],
    [{ email: newEmail(), custom_fields: { blob: 'x'.repeat(70_000) } }, 'custom_fields'],
    [{ email: newEmail(), first_name: 'x'.repeat(256) }, 'first_name'],
  ] as const) {
    const res = await call('POST', '/contacts', { ...admin, body });
    assert.is(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
    assert.ok(res.body.errors[field], `${field} is named: ${res.text}`);
  }
  const existing = await createContact(call);
  const again = await call('POST', '/contacts', { ...admin, body: { email: existing.email.toUpperCase() } });
  assert.is(again.status, 409, again.text);
  assert.is((await call('POST', '/contacts', { ...admin, raw: '{"email": ', headers: { 'content-type': 'application/json' } })).status, 400);
});

it('update: partial (PUT and PATCH); tags replace the set; flags stamp their times; e-mail unique (409); 404 for unknown', async () => {
  const c = await createContact(call, { first_name: 'Grace', company: 'Navy', tags: [uniqueName('a'), uniqueName('b')] });
  const put = await call('PUT', `/contacts/${c.id}`, { ...admin, body: { city: 'Arlington', tags: [c.tags[0].id] } });
  assert.is(put.status, 200, put.text);
  assert.equal([put.body.first_name, put.body.company, put.body.city], ['Grace', 'Navy', 'Arlington'], 'only the fields sent change');
  assert.equal(put.body.tags.map((t: { id: number }) => t.id), [c.tags[0].id]);
  const patch = await call('PATCH', `/contacts/${c.id}`, { ...admin, body: { marketing_subscribed: true, company: '' } });
  assert.equal([patch.status, patch.body.marketing_subscribed, patch.body.company, patch.body.city], [200, true, null, 'Arlington']);
  const off = await call('PATCH', `/contacts/${c.id}`, { ...admin, body: { marketing_subscribed: false } });
  assert.ok(off.body.unsubscribed_at);
  const other = await createContact(call);
  assert.is((await call('PUT', `/contacts/${c.id}`, { ...admin, body: { email: other.email } })).status, 409);
  assert.is((await call('PUT', `/contacts/${c.id}`, { ...admin, body: { email: c.email } })).status, 200, 'its own e-mail is no conflict');
  assert.is((await call('PUT', '/contacts/999999999', { ...admin, body: { city: 'x' } })).status, 404);
  assert.is((await call('PUT', `/contacts/${c.id}`, { ...admin, body: { gender: 'X' } })).status, 422);
});

it('delete: 204, then hidden from lookups and lists; the e-mail can be used again', async () => {
  const c = await createContact(call);
  assert.is((await call('DELETE', `/contacts/${c.id}`, admin)).status, 204);
  assert.is((await call('GET', `/contacts/${c.id}`, admin)).status, 404);
  assert.is((await call('DELETE', `/contacts/${c.id}`, admin)).status, 404);
  assert.is((await call('GET', `/contacts?search=${encodeURIComponent(c.email)}`, admin)).body.total, 0);
  const again = await call('POST', '/contacts', { ...admin, body: { email: c.email } });
  assert.is(again.status, 201, again.text);
  assert.is.not(again.body.id, c.id);
});

it('list: Laravel page shape; filters status, source, tag (id or name), list, search, country, flags; sort (and sort_by/sort_order); bad sort 422', async () => {
  const marker = uniqueName('Zed').replace(' ', '');
  const tag = uniqueName('filter');
  const a = await createContact(call, { last_name: marker, country: 'DE', status: 'inactive', tags: [tag], newsletter_subscribed: true });
  const b = await createContact(call, { last_name: marker, country: 'FR', source: 'import', company: `${marker} Corp` });
  const list = await call('POST', '/lists', { ...admin, body: { name: uniqueName('filter list') } });
  await call('POST', `/lists/${list.body.id}/contacts`, { ...admin, body: { contact_ids: [b.id] } });
  const ids = async (query: string) => {
    const res = await call('GET', `/contacts?search=${marker}&${query}`, admin);
    assert.is(res.status, 200, res.text);
    return res.body.data.map((c: { id: number }) => c.id);
  };
  const page = await call('GET', `/contacts?search=${marker}&per_page=1`, admin);
  assert.equal(Object.keys(page.body).sort(), ['current_page', 'data', 'last_page', 'per_page', 'total']);
  assert.equal([page.body.total, page.body.per_page, page.body.last_page, page.body.data.length], [2, 1, 2, 1]);
  assert.equal(await ids(''), [b.id, a.id], 'newest first');
  assert.equal(await ids('status=inactive'), [a.id]);
  assert.equal(await ids('source=import'), [b.id]);
  assert.equal(await ids(`tag=${encodeURIComponent(tag)}`), [a.id]);
  assert.equal(await ids(`tag=${a.tags[0].id}`), [a.id]);
  assert.equal(await ids(`tag_id=${a.tags[0].id}`), [a.id]);
  assert.equal(await ids(`list=${list.body.id}`), [b.id]);
  assert.equal(await ids(`list_id=${list.body.id}`), [b.id]);
  assert.equal(await ids('country=de'), [a.id]);
  assert.equal(await ids('newsletter_subscribed=true'), [a.id]);
  assert.equal(await ids('newsletter_subscribed=false'), [b.id]);
  assert.equal(await ids('sort=id'), [a.id, b.id]);
  assert.equal(await ids('sort_by=id&sort_order=desc'), [b.id, a.id]);
  assert.equal((await call('GET', `/contacts?search=${marker}%20Corp`, admin)).body.data.map((c: { id: number }) => c.id), [b.id], 'search looks in the company too');
  const named = await createContact(call, { first_name: 'Hedy', last_name: marker });
  assert.equal((await call('GET', `/contacts?search=Hedy%20${marker}`, admin)).body.data.map((c: { id: number }) => c.id), [named.id], 'and in the full name');
  assert.equal((await call('GET', '/contacts?search=%25', admin)).status, 200, 'LIKE wildcards are literal');
  for (const query of ['sort=password', 'status=gone', 'per_page=1000', 'page=0', 'newsletter_subscribed=perhaps', 'tag_id=abc']) {
    const res = await call('GET', `/contacts?${query}`, admin);
    assert.is(res.status, 422, `${query}: ${res.text}`);
  }
});

it('access: reads need users.view, writes settings.update; no token 401', async () => {
  const c = await createContact(call);
  assert.is((await call('GET', '/contacts')).status, 401);
  assert.is((await call('GET', '/contacts', { token: tokens.customer })).status, 403);
  assert.is((await call('GET', `/contacts/${c.id}`, { token: tokens.customer })).status, 403);
  assert.is((await call('GET', '/contacts', { token: tokens.staff })).status, 200, 'users.view reads');
  assert.is((await call('GET', `/contacts/${c.id}`, { token: tokens.support })).status, 200);
  assert.is((await call('POST', '/contacts', { token: tokens.staff, body: { email: newEmail() } })).status, 403, 'reading is not writing');
  assert.is((await call('PUT', `/contacts/${c.id}`, { token: tokens.support, body: { city: 'x' } })).status, 403);
  assert.is((await call('DELETE', `/contacts/${c.id}`, { token: tokens.customer })).status, 403);
  assert.is((await call('POST', '/contacts', { token: tokens.marketer, body: { email: newEmail() } })).status, 201, 'settings.update writes');
  assert.is((await call('POST', '/contacts/bulk-action', { token: tokens.staff, body: { action: 'delete', contact_ids: [c.id] } })).status, 403);
  assert.is((await call('GET', '/contacts', { token: 'not.a.token' })).status, 401);
});

it('subscribe / unsubscribe a channel; unsubscribing from all marks the contact unsubscribed; subscribing again reactivates', async () => {
  const c = await createContact(call);
  const sub = await call('POST', `/contacts/${c.id}/subscribe`, { ...admin, body: {} });
  assert.equal([sub.status, sub.body.newsletter_subscribed, sub.body.sms_subscribed], [200, true, false]);
  const sms = await call('POST', `/contacts/${c.id}/subscribe`, { ...admin, body: { type: 'sms' } });
  assert.equal([sms.body.newsletter_subscribed, sms.body.sms_subscribed], [true, true]);
  const one = await call('POST', `/contacts/${c.id}/unsubscribe`, { ...admin, body: { type: 'sms' } });
  assert.equal([one.body.newsletter_subscribed, one.body.sms_subscribed, one.body.status], [true, false, 'active']);
  const all = await call('POST', `/contacts/${c.id}/unsubscribe`, admin);
  assert.equal([all.status, all.body.newsletter_subscribed, all.body.marketing_subscribed, all.body.status], [200, false, false, 'unsubscribed']);
  assert.ok(all.body.unsubscribed_at);
  const back = await call('POST', `/contacts/${c.id}/subscribe`, { ...admin, body: { type: 'newsletter' } });
  assert.equal([back.body.newsletter_subscribed, back.body.status], [true, 'active']);
  assert.is((await call('POST', `/contacts/${c.id}/subscribe`, { ...admin, body: { type: 'fax' } })).status, 422);
  assert.is((await call('POST', '/contacts/999999999/subscribe', { ...admin, body: {} })).status, 404);
});

it('engagement: opened and clicked count; bounced and complained set the status (a complaint stops mail)', async () => {
  const c = await createContact(call, { newsletter_subscribed: true });
  await call('POST', `/contacts/${c.id}/engagement`, { ...admin, body: { type: 'opened' } });
  const opened = await call('POST', `/contacts/${c.id}/engagement`, { ...admin, body: { type: 'opened' } });
  assert.equal([opened.status, opened.body.emails_opened], [200, 2]);
  assert.ok(opened.body.last_opened_at && opened.body.last_activity_at);
  const clicked = await call('POST', `/contacts/${c.id}/engagement`, { ...admin, body: { type: 'clicked' } });
  assert.equal([clicked.body.emails_clicked, clicked.body.emails_opened], [1, 2]);
  const complained = await call('POST', `/contacts/${c.id}/engagement`, { ...admin, body: { type: 'complained' } });
  assert.equal([complained.body.status, complained.body.newsletter_subscribed], ['complained', false]);
  const bounced = await call('POST', `/contacts/${(await createContact(call)).id}/engagement`, { ...admin, body: { type: 'bounced' } });
  assert.is(bounced.body.status, 'bounced');
  assert.is((await call('POST', `/contacts/${c.id}/engagement`, { ...admin, body: { type: 'liked' } })).status, 422);
  assert.is((await call('POST', `/contacts/${c.id}/engagement`, { ...admin, body: {} })).status, 422);
  assert.is((await call('POST', '/contacts/999999999/engagement', { ...admin, body: { type: 'opened' } })).status, 404);
});

it('bulk-action: tag, untag, set status, subscribe, unsubscribe, add to / remove from a list, delete; unknown ids 422, nothing done', async () => {
  const [a, b] = [await createContact(call), await createContact(call)];
  const ids = [a.id, b.id];
  const bulk = (body: Record<string, unknown>) => call('POST', '/contacts/bulk-action', { ...admin, body: { contact_ids: ids, ...body } });
  const tag = uniqueName('bulk');
  const tagged = await bulk({ action: 'add_tag', data: { tag } });
  assert.equal([tagged.status, tagged.body.affected, tagged.body.results.success], [200, 2, 2], tagged.text);
  const tagId = (await call('GET', `/contacts/${a.id}`, admin)).body.tags[0].id;
  assert.is((await call('GET', `/tags/${tagId}`, admin)).body.usage_count, 2);
  assert.is((await bulk({ action: 'tag', tag_id: tagId })).body.affected, 0, 'tagging twice changes nothing');
  assert.is((await bulk({ action: 'remove_tag', data: { tag_id: tagId } })).body.affected, 2);
  assert.is((await call('GET', `/tags/${tagId}`, admin)).body.usage_count, 0);
  assert.is((await bulk({ action: 'update_status', data: { status: 'inactive' } })).status, 200);
  assert.is((await call('GET', `/contacts/${b.id}`, admin)).body.status, 'inactive');
  await bulk({ action: 'subscribe', data: { type: 'marketing' } });
  assert.is((await call('GET', `/contacts/${a.id}`, admin)).body.marketing_subscribed, true);
  await bulk({ action: 'unsubscribe', data: { type: 'marketing' } });
  assert.is((await call('GET', `/contacts/${a.id}`, admin)).body.marketing_subscribed, false);
  const list = (await call('POST', '/lists', { ...admin, body: { name: uniqueName('bulk list') } })).body;
  assert.is((await bulk({ action: 'add_to_list', data: { list_id: list.id } })).body.affected, 2);
  assert.is((await call('GET', `/lists/${list.id}`, admin)).body.contact_count, 2);
  assert.is((await bulk({ action: 'remove_from_list', list_id: list.id, contact_ids: [a.id] })).body.affected, 1);
  assert.is((await call('GET', `/lists/${list.id}`, admin)).body.contact_count, 1);

  for (const [body, field] of [
    [{ action: 'explode' }, 'action'],
    [{ action: 'delete', contact_ids: [] }, 'contact_ids'],
    [{ action: 'update_status' }, 'data.status'],
    [{ action: 'update_status', data: { status: 'gone' } }, 'data.status'],
    [{ action: 'add_tag' }, 'data.tag'],
    [{ action: 'remove_tag', data: { tag: uniqueName('never') } }, 'data.tag'],
    [{ action: 'add_to_list', data: { list_id: 999_999_999 } }, 'data.list_id'],
    [{ action: 'delete', contact_ids: [a.id, 999_999_999] }, 'contact_ids.1'],
  ] as const) {
    const res = await bulk(body);
    assert.is(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
    assert.ok(res.body.errors[field], `${field}: ${res.text}`);
  }
  assert.is((await call('GET', `/contacts/${a.id}`, admin)).status, 200, 'a refused bulk delete deleted nothing');
  const deleted = await bulk({ action: 'delete' });
  assert.equal([deleted.status, deleted.body.affected], [200, 2]);
  assert.is((await call('GET', `/contacts/${a.id}`, admin)).status, 404);
  assert.is((await call('GET', `/lists/${list.id}`, admin)).body.contact_count, 0, 'deleted contacts leave their lists');
});
it.run();
