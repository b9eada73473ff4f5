import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Call } from '../helpers/http';
import { sql } from '../../functions/contacts/database';
import { createContact, serveContacts, tokens, uniqueName } from './helpers';

const it = suite('contacts: tags, usage counts, apply/remove, merge, popular, stats');
let call: Call;
let close: () => Promise<void>;
it.before(async () => {
  ({ call, close } = await serveContacts());
});
it.after(() => close());

const admin = { token: tokens.admin };
const newTag = async (body: Record<string, unknown> = {}) => {
  const res = await call('POST', '/tags', { ...admin, body: { name: uniqueName('tag'), ...body } });
  assert.is(res.status, 201, res.text);
  return res.body as { id: number; name: string; usage_count: number; [key: string]: any };
};
const usage = async (id: number) => (await call('GET', `/tags/${id}`, admin)).body.usage_count;
const tagNames = async (contactId: number) => (await call('GET', `/contacts/${contactId}`, admin)).body.tags.map((t: { name: string }) => t.name);
/** What contact_tag holds, to check the counters against. */
const linked = async (tagId: number) => Number((await sql.select<{ n: number }>('SELECT COUNT(*) AS n FROM contact_tag WHERE tag_id = ?', [tagId]))[0].n);

it('CRUD: defaults, colour checked, name unique (409), partial update, delete removes it from contacts', async () => {
  const tag = await newTag({ usage_count: 50 });
  assert.equal([tag.color, tag.type, tag.usage_count], ['#007bff', 'custom', 0]);
  assert.is((await call('POST', '/tags', { ...admin, body: { name: tag.name } })).status, 409);
  assert.is((await call('POST', '/tags', { ...admin, body: { name: 'x', color: 'red' } })).status, 422);
  assert.is((await call('POST', '/tags', { ...admin, body: { name: 'x', type: 'magic' } })).status, 422);
  assert.is((await call('POST', '/tags', { ...admin, body: {} })).status, 422);
  const updated = await call('PATCH', `/tags/${tag.id}`, { ...admin, body: { color: '#F0A' } });
  assert.equal([updated.status, updated.body.color, updated.body.name], [200, '#F0A', tag.name]);
  const other = await newTag();
  assert.is((await call('PUT', `/tags/${tag.id}`, { ...admin, body: { name: other.name } })).status, 409);
  const contact = await createContact(call, { tags: [tag.id, other.id] });
  assert.is((await call('DELETE', `/tags/${tag.id}`, admin)).status, 204);
  assert.is((await call('GET', `/tags/${tag.id}`, admin)).status, 404);
  assert.equal(await tagNames(contact.id), [other.name]);
  const listed = await call('GET', `/tags?search=${encodeURIComponent(other.name)}`, admin);
  assert.equal([listed.status, listed.body.total, listed.body.data[0].usage_count], [200, 1, 1]);
  assert.is((await call('GET', '/tags?sort=color', admin)).status, 422);
  assert.is((await call('GET', '/tags', { token: tokens.staff })).status, 403);
  assert.is((await call('GET', '/tags/popular')).status, 401);
});

it('apply and remove: usage_count is the number of tagged contacts, through repeats and concurrent calls', async () => {
  const tag = await newTag();
  const people = await Promise.all(Array.from({ length: 5 }, () => createContact(call)));
  const ids = people.map((p) => p.id);
  const applied = await call('POST', `/tags/${tag.id}/apply`, { ...admin, body: { contact_ids: ids.slice(0, 3) } });
  assert.equal([applied.status, applied.body.applied_count, applied.body.data.usage_count], [200, 3, 3], applied.text);
  assert.is((await call('POST', `/tags/${tag.id}/apply`, { ...admin, body: { contact_ids: ids.slice(0, 3) } })).body.applied_count, 0);
  await Promise.all([ids.slice(1, 4), ids.slice(2, 5), ids].map((contact_ids) => call('POST', `/tags/${tag.id}/apply`, { ...admin, body: { contact_ids } })));
  assert.is(await usage(tag.id), 5);
  const removed = await call('DELETE', `/tags/${tag.id}/remove`, { ...admin, body: { contact_ids: [ids[0], ids[1], 999_999_999] } });
  assert.equal([removed.status, removed.body.removed_count, removed.body.data.usage_count], [200, 2, 3]);
  await call('DELETE', `/contacts/${ids[2]}`, admin);
  assert.is(await usage(tag.id), 2, 'a deleted contact loses its tags');
  assert.is(await linked(tag.id), 2);
  const tagged = await call('GET', `/tags/${tag.id}/contacts`, admin);
  assert.equal(tagged.body.data.map((c: { id: number }) => c.id).sort(), [ids[3], ids[4]].sort());
  const bad = await call('POST', `/tags/${tag.id}/apply`, { ...admin, body: { contact_ids: [ids[3], 999_999_999] } });
  assert.equal([bad.status, Object.keys(bad.body.errors)], [422, ['contact_ids.1']]);
  assert.is((await call('POST', `/tags/${tag.id}/apply`, { ...admin, body: {} })).status, 422);
  assert.is((await call('POST', '/tags/999999999/apply', { ...admin, body: { contact_ids: [ids[3]] } })).status, 404);
});

it('merge: every contact of the source moves to the target once; the source is deleted; counts right', async () => {
  const [source, target] = [await newTag(), await newTag()];
  const both = await createContact(call, { tags: [source.id, target.id] });
  const onlySource = await createContact(call, { tags: [source.id] });
  const onlyTarget = await createContact(call, { tags: [target.id] });
  const merged = await call('POST', `/tags/${source.id}/merge`, { ...admin, body: { target_tag_id: target.id } });
  assert.equal([merged.status, merged.body.merged_count, merged.body.data.id, merged.body.data.usage_count], [200, 1, target.id, 3], merged.text);
  assert.is((await call('GET', `/tags/${source.id}`, admin)).status, 404);
  for (const contact of [both, onlySource, onlyTarget]) assert.equal(await tagNames(contact.id), [target.name]);
  assert.is(await linked(target.id), 3);
  assert.is(await linked(source.id), 0);
  assert.is((await call('POST', `/tags/${target.id}/merge`, { ...admin, body: { target_tag_id: target.id } })).status, 422, 'not into itself');
  assert.is((await call('POST', `/tags/${target.id}/merge`, { ...admin, body: { target_tag_id: 999_999_999 } })).status, 422);
  assert.is((await call('POST', `/tags/${target.id}/merge`, { ...admin, body: {} })).status, 422);
  assert.is((await call('POST', '/tags/999999999/merge', { ...admin, body: { target_tag_id: target.id } })).status, 404);
});

it('popular (most used first, limit) and stats (status, subscription, countries)', async () => {
  // Tags of earlier runs stay: those of the other cases are used three times at most; this case cleans up after itself.
  const [big, small] = [await newTag(), await newTag()];
  const people = [
    await createContact(call, { country: 'FR', newsletter_subscribed: true }),
    await createContact(call, { country: 'FR', status: 'inactive' }),
    await createContact(call, { country: 'DE', marketing_subscribed: true }),
    await createContact(call),
  ];
  await call('POST', `/tags/${big.id}/apply`, { ...admin, body: { contact_ids: people.map((p) => p.id) } });
  await call('POST', `/tags/${small.id}/apply`, { ...admin, body: { contact_ids: [people[0].id] } });
  try {
    const popular = await call('GET', '/tags/popular?limit=50', admin);
    assert.is(popular.status, 200);
    const order = popular.body.data.map((t: { id: number }) => t.id);
    assert.ok(order.includes(big.id), 'the most used tag is there');
    if (order.includes(small.id)) assert.ok(order.indexOf(big.id) < order.indexOf(small.id), 'more used first');
    assert.ok(popular.body.data.every((t: { usage_count: number }, i: number, all: Array<{ usage_count: number }>) => i === 0 || all[i - 1].usage_count >= t.usage_count));
    const two = (await call('GET', '/tags/popular?limit=2', admin)).body;
    assert.equal([two.data.length, two.per_page, two.current_page], [2, 2, 1]);
    assert.is((await call('GET', '/tags/popular?limit=500', admin)).status, 422);
    const stats = await call('GET', `/tags/${big.id}/stats`, admin);
    assert.equal(
      [stats.body.total_contacts, stats.body.active_contacts, stats.body.subscribed_contacts, stats.body.marketing_subscribed, stats.body.recent_additions, stats.body.usage_count],
      [4, 3, 1, 1, 4, 4],
    );
    assert.equal(stats.body.countries, { FR: 2, DE: 1 });
    assert.is((await call('GET', '/tags/999999999/stats', admin)).status, 404);
  } finally {
    for (const tag of [big, small]) await call('DELETE', `/tags/${tag.id}`, admin);
  }
});

it.run();
