import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import type { Call } from '../helpers/http';
import { sql } from '../../functions/contacts/database';
import { createContact, newEmail, serveContacts, tokens, uniqueName } from './helpers';

const it = suite('contacts: static and dynamic lists, sync, duplicate, stats, CSV export');
let url: string;
let call: Call;
let close: () => Promise<void>;
it.before(async () => {
  ({ url, call, close } = await serveContacts());
});
it.after(() => close());

const admin = { token: tokens.admin };
const newList = async (body: Record<string, unknown> = {}) => {
  const res = await call('POST', '/lists', { ...admin, body: { name: uniqueName('list'), ...body } });
  assert.is(res.status, 201, res.text);
  return res.body as { id: number; name: string; contact_count: number; [key: string]: any };
};
const count = async (id: number) => (await call('GET', `/lists/${id}`, admin)).body.contact_count;
const memberIds = async (id: number) => (await call('GET', `/lists/${id}/contacts?per_page=100&sort=id`, admin)).body.data.map((c: { id: number }) => c.id);

it('CRUD: 201 with defaults; name unique (409); partial update; soft delete; filters and 422s', async () => {
  const list = await newList({ description: 'People who like things', type: 'marketing', contact_count: 99, unknown: 1 });
  assert.equal([list.type, list.status, list.is_dynamic, list.contact_count, list.criteria, 'unknown' in list], ['marketing', 'active', false, 0, null, false]);
  assert.is((await call('POST', '/lists', { ...admin, body: { name: list.name } })).status, 409);
  for (const [body, field] of [[{}, 'name'], [{ name: ' ' }, 'name'], [{ name: 'x', type: 'party' }, 'type'], [{ name: 'x', status: 'deleted' }, 'status']] as const) {
    const res = await call('POST', '/lists', { ...admin, body });
    assert.is(res.status, 422, res.text);
    assert.ok(res.body.errors[field], res.text);
  }
  const put = await call('PATCH', `/lists/${list.id}`, { ...admin, body: { status: 'archived' } });
  assert.equal([put.status, put.body.status, put.body.description], [200, 'archived', 'People who like things']);
  const found = await call('GET', `/lists?search=${encodeURIComponent(list.name)}&status=archived&type=marketing&is_dynamic=false`, admin);
  assert.equal(found.body.data.map((l: { id: number }) => l.id), [list.id]);
  assert.is((await call('GET', '/lists?sort=secret', admin)).status, 422);
  assert.is((await call('DELETE', `/lists/${list.id}`, admin)).status, 204);
  assert.is((await call('GET', `/lists/${list.id}`, admin)).status, 404);
  assert.is((await call('POST', '/lists', { ...admin, body: { name: list.name } })).status, 201, 'a deleted list frees its name');
});

it('access: every list route needs settings.update', async () => {
  const list = await newList();
  for (const [method, path] of [['GET', '/lists'], ['GET', `/lists/${list.id}`], ['POST', '/lists'], ['GET', `/lists/${list.id}/stats`], ['GET', `/lists/${list.id}/export`], ['POST', `/lists/${list.id}/sync`]]) {
    assert.is((await call(method, path, { token: tokens.staff, body: method === 'POST' ? {} : undefined })).status, 403, `${method} ${path}`);
    assert.is((await call(method, path, { body: method === 'POST' ? {} : undefined })).status, 401, `${method} ${path}`);
  }
});

it('static list: add and remove contacts; contact_count stays right (duplicates, deleted contacts, concurrency); unknown ids 422', async () => {
  const list = await newList();
  const people = await Promise.all(Array.from({ length: 6 }, () => createContact(call)));
  const ids = people.map((p) => p.id).sort((x, y) => x - y);
  const added = await call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: [ids[0], ids[1], ids[1]] } });
  assert.equal([added.status, added.body.added, added.body.data.contact_count], [200, 2, 2], added.text);
  assert.is((await call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: [ids[0]] } })).body.added, 0, 'already in');
  // Concurrent additions of overlapping sets: the count is what the list holds.
  await Promise.all([ids.slice(0, 4), ids.slice(2, 6), ids.slice(1, 5)].map((contact_ids) => call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids } })));
  assert.is(await count(list.id), 6);
  assert.equal(await memberIds(list.id), ids);
  const removed = await call('DELETE', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: [ids[0], ids[0], 999_999_999] } });
  assert.equal([removed.status, removed.body.removed, removed.body.data.contact_count], [200, 1, 5]);
  const byQuery = await call('DELETE', `/lists/${list.id}/contacts?contact_ids[]=${ids[1]}&contact_ids[]=${ids[2]}`, admin);
  assert.equal([byQuery.status, byQuery.body.removed], [200, 2], byQuery.text);
  await call('DELETE', `/contacts/${ids[3]}`, admin);
  assert.is(await count(list.id), 2, 'a deleted contact leaves the list');
  const contact = (await call('GET', `/contacts/${ids[4]}`, admin)).body;
  assert.equal(contact.lists.map((l: { id: number }) => l.id), [list.id], "a contact's JSON names its lists");
  const unknown = await call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: [ids[4], 999_999_999] } });
  assert.is(unknown.status, 422);
  assert.ok(unknown.body.errors['contact_ids.1']);
  assert.is((await call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: [] } })).status, 422);
  assert.is((await call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: ['x'] } })).status, 422);
  assert.is((await call('DELETE', `/lists/${list.id}/contacts`, { ...admin, body: {} })).status, 422);
  assert.is((await call('POST', '/lists/999999999/contacts', { ...admin, body: { contact_ids: [ids[4]] } })).status, 404);
  assert.is((await call('POST', `/lists/${list.id}/sync`, admin)).status, 409, 'a static list has nothing to sync');
});

it('dynamic list: criteria validated (unknown or malformed criteria 422), filled at creation, recomputed by sync', async () => {
  const city = uniqueName('Ville').replace(' ', '-');
  const tagA = uniqueName('gold');
  const tagB = uniqueName('eu');
  const [a, b, c] = [
    await createContact(call, { city, country: 'FR', tags: [tagA, tagB], newsletter_subscribed: true }),
    await createContact(call, { city, country: 'DE', tags: [tagA] }),
    await createContact(call, { city, country: 'FR', status: 'inactive' }),
  ];
  for (const [criteria, field] of [
    [{ cty: city }, 'criteria.cty'],
    [{ city, status: 'sleeping' }, 'criteria.status'],
    [{ city, min_orders: -1 }, 'criteria.min_orders'],
    [{ city, min_spent: 'lots' }, 'criteria.min_spent'],
    [{ city, created_after: 'yesterday' }, 'criteria.created_after'],
    [{ city, tags_any: [uniqueName('nope')] }, 'criteria.tags_any'],
    [{ city, country: 'France' }, 'criteria.country'],
    ['active', 'criteria.0'],
  ] as const) {
    const res = await call('POST', '/lists', { ...admin, body: { name: uniqueName('bad'), is_dynamic: true, criteria } });
    assert.is(res.status, 422, `${JSON.stringify(criteria)}: ${res.text}`);
    assert.ok(res.body.errors[field], `${field}: ${res.text}`);
  }
  assert.ok((await call('POST', '/lists', { ...admin, body: { name: uniqueName('bad'), is_dynamic: true } })).body.errors.criteria, 'a dynamic list needs criteria');

  const french = await newList({ is_dynamic: true, criteria: { city, country: ['fr'], status: 'active' } });
  assert.equal([french.is_dynamic, french.contact_count], [true, 1]);
  assert.equal(await memberIds(french.id), [a.id]);
  const tagged = await newList({ is_dynamic: true, criteria: { city, tags_any: [tagA] } });
  assert.equal(await memberIds(tagged.id), [a.id, b.id]);
  const both = await newList({ is_dynamic: true, criteria: { city, tags_all: [tagA, tagB] } });
  assert.equal(await memberIds(both.id), [a.id]);
  const subscribed = await newList({ is_dynamic: true, criteria: { city, newsletter_subscribed: false } });
  assert.equal(await memberIds(subscribed.id), [b.id, c.id]);
  const recent = await newList({ is_dynamic: true, criteria: { city, created_after: new Date(Date.now() - 3600_000).toISOString(), created_before: '2999-01-01' } });
  assert.is(recent.contact_count, 3);
  assert.is((await newList({ is_dynamic: true, criteria: { city, created_before: '2000-01-01' } })).contact_count, 0);

  // Changes happen; a sync brings the list up to date (joiners in, leavers out), its count with it.
  await call('PUT', `/contacts/${c.id}`, { ...admin, body: { status: 'active' } });
  await call('PUT', `/contacts/${a.id}`, { ...admin, body: { country: 'BE' } });
  assert.is(await count(french.id), 1, 'unchanged until synced');
  const synced = await call('POST', `/lists/${french.id}/sync`, admin);
  assert.equal([synced.status, synced.body.added, synced.body.removed, synced.body.contact_count], [200, 1, 1, 1], synced.text);
  assert.equal(await memberIds(french.id), [c.id]);
  assert.ok(synced.body.data.last_synced_at);
  assert.is((await call('POST', `/lists/${french.id}/contacts`, { ...admin, body: { contact_ids: [a.id] } })).status, 409, "a dynamic list's members come from its criteria");
  // New criteria apply at once.
  const changed = await call('PUT', `/lists/${french.id}`, { ...admin, body: { criteria: { city } } });
  assert.equal([changed.status, changed.body.contact_count, changed.body.criteria], [200, 3, { city }]);
  assert.is((await call('PUT', `/lists/${french.id}`, { ...admin, body: { criteria: { town: city } } })).status, 422);
});

it("dynamic list: the older platform's { field, operator, value } conditions are translated; others are refused, never run", async () => {
  const city = uniqueName('Legacy').replace(' ', '-');
  const [fan, other] = [await createContact(call, { city, newsletter_subscribed: true }), await createContact(call, { city })];
  const legacy = await newList({ is_dynamic: true, criteria: [{ field: 'city', operator: '=', value: city }, { field: 'newsletter_subscribed', operator: '=', value: 1 }] });
  assert.equal(legacy.criteria, { city, newsletter_subscribed: true });
  assert.equal(await memberIds(legacy.id), [fan.id]);
  for (const [criteria, field] of [
    [[{ field: 'password', operator: '=', value: 'x' }], 'criteria.0'],
    [[{ field: 'city', operator: '=', value: city }, { field: 'id', operator: '>', value: 0, logic: 'or' }], 'criteria.1.logic'],
    [[{ field: 'city', operator: 'like', value: '%' }], 'criteria.0'],
  ] as const) {
    const res = await call('POST', '/lists', { ...admin, body: { name: uniqueName('legacy bad'), is_dynamic: true, criteria } });
    assert.is(res.status, 422, res.text);
    assert.ok(res.body.errors[field], res.text);
  }
  void other;
});

it('dynamic list: purchase criteria (min orders, min spent) from the contacts counters', async () => {
  const city = uniqueName('Buyville').replace(' ', '-');
  const [big, small] = [await createContact(call, { city }), await createContact(call, { city })];
  await sql.run("UPDATE contacts SET total_orders = 3, total_spent = '150.10' WHERE id = ?", [big.id]);
  await sql.run("UPDATE contacts SET total_orders = 1, total_spent = '150.09' WHERE id = ?", [small.id]);
  assert.equal(await memberIds((await newList({ is_dynamic: true, criteria: { city, min_spent: '150.10' } })).id), [big.id], 'exact decimals');
  assert.equal(await memberIds((await newList({ is_dynamic: true, criteria: { city, min_orders: 1 } })).id), [big.id, small.id]);
  assert.equal(await memberIds((await newList({ is_dynamic: true, criteria: { city, min_orders: 2, min_spent: 10 } })).id), [big.id]);
});

it('duplicate: copies settings and members (or not); a dynamic copy is recomputed; stats count members by status and flag', async () => {
  const list = await newList({ type: 'newsletter', description: 'Original' });
  const people = [await createContact(call, { newsletter_subscribed: true, source: 'import' }), await createContact(call, { status: 'bounced' }), await createContact(call)];
  await call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: people.map((p) => p.id) } });
  const copy = await call('POST', `/lists/${list.id}/duplicate`, { ...admin, body: {} });
  assert.equal([copy.status, copy.body.name, copy.body.type, copy.body.description, copy.body.contact_count], [201, `${list.name} (copy)`, 'newsletter', 'Original', 3]);
  assert.is((await call('POST', `/lists/${list.id}/duplicate`, { ...admin, body: {} })).status, 409, 'the copy name is taken now');
  const empty = await call('POST', `/lists/${list.id}/duplicate`, { ...admin, body: { name: uniqueName('empty copy'), copy_contacts: false } });
  assert.equal([empty.status, empty.body.contact_count], [201, 0]);
  const city = uniqueName('Dupe').replace(' ', '-');
  await createContact(call, { city });
  const dynamic = await newList({ is_dynamic: true, criteria: { city } });
  const dynamicCopy = await call('POST', `/lists/${dynamic.id}/duplicate`, { ...admin, body: { name: uniqueName('dyn copy') } });
  assert.equal([dynamicCopy.body.is_dynamic, dynamicCopy.body.criteria, dynamicCopy.body.contact_count], [true, { city }, 1]);

  const stats = await call('GET', `/lists/${list.id}/stats`, admin);
  assert.is(stats.status, 200, stats.text);
  assert.equal(
    [stats.body.total_contacts, stats.body.active_contacts, stats.body.subscribed_contacts, stats.body.unsubscribed_contacts, stats.body.bounced_contacts, stats.body.contact_count],
    [3, 2, 1, 2, 1, 3],
  );
  assert.equal(stats.body.by_status, { active: 2, bounced: 1 });
  assert.equal(stats.body.by_source, { import: 1, manual: 2 });
  assert.is((await call('GET', '/lists/999999999/stats', admin)).status, 404);
});

/** GET with the raw bytes as they come, to see whether a reply is streamed. */
function download(path: string): Promise<{ status: number; headers: Record<string, unknown>; chunks: number; text: string }> {
  return new Promise((resolve, reject) => {
    request(new URL(path, url), { headers: { authorization: `Bearer ${tokens.admin}` } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks: parts.length, text: Buffer.concat(parts).toString('utf8') }));
    }).on('error', reject).end();
  });
}

/** A minimal RFC 4180 reader (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  return rows;
}

it('export: CSV download, quoted, formula cells neutralized', async () => {
  const list = await newList({ name: uniqueName('Export "été"') });
  const nasty = await createContact(call, { first_name: '=HYPERLINK("http://evil","x")', last_name: 'O"Brien, Jr.', company: '+33 Corp', city: '@SUM(A1)', notes: 'x', tags: [uniqueName('t')] });
  const plain = await createContact(call, { first_name: '-1', last_name: 'Line\nbreak' });
  await sql.run('UPDATE contacts SET company = ? WHERE id = ?', ['\tTabbed', plain.id]); // as an import might have stored it
  await call('POST', `/lists/${list.id}/contacts`, { ...admin, body: { contact_ids: [nasty.id, plain.id] } });
  const res = await download(`/lists/${list.id}/export`);
  assert.is(res.status, 200);
  assert.is(res.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(String(res.headers['content-disposition']), /^attachment; filename="contacts-export-ete-[0-9a-f]{8}-\d{4}-\d{2}-\d{2}\.csv"/);
  const rows = parseCsv(res.text);
  const header = rows[0];
  assert.equal(header.slice(0, 4), ['id', 'email', 'first_name', 'last_name']);
  const col = (row: string[], name: string) => row[header.indexOf(name)];
  const [first, second] = rows.slice(1);
  assert.is(rows.length, 3);
  assert.equal([col(first, 'id'), col(first, 'first_name'), col(first, 'last_name'), col(first, 'company'), col(first, 'city')],
    [String(nasty.id), `'=HYPERLINK("http://evil","x")`, 'O"Brien, Jr.', "'+33 Corp", "'@SUM(A1)"]);
  assert.is(col(first, 'tags'), nasty.tags[0].name);
  assert.equal([col(second, 'first_name'), col(second, 'last_name'), col(second, 'company')], ["'-1", 'Line\nbreak', "'\tTabbed"]);
  assert.equal([col(first, 'newsletter_subscribed'), col(first, 'total_spent')], ['false', '0.00']);
  assert.ok(res.text.includes('"O""Brien, Jr."'), 'quotes are doubled inside a quoted cell');
  assert.ok(res.text.endsWith('\r\n'));
  assert.is((await call('GET', '/lists/999999999/export', admin)).status, 404);
});

it('export: thousands of contacts stream out in batches, every one exactly once', async () => {
  const list = await newList();
  const total = 3000;
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
  const marker = uniqueName('bulk').replace(' ', '-');
  const values = Array.from({ length: total }, (_, i) => `('${marker}-${i}@example.com', 'import', 'active', '${now}', '${now}')`);
  await sql.run(`INSERT INTO contacts (email, source, status, created_at, updated_at) VALUES ${values.join(', ')}`);
  await sql.run(
    `INSERT INTO contact_list_contacts (list_id, contact_id, status, added_at) SELECT ?, id, 'active', ? FROM contacts WHERE email LIKE ?`,
    [list.id, now, `${marker}-%`],
  );
  const res = await download(`/lists/${list.id}/export`);
  assert.is(res.status, 200);
  assert.is(res.headers['content-length'], undefined, 'no length announced: the body is written as it is read');
  assert.is(res.headers['transfer-encoding'], 'chunked');
  assert.ok(res.chunks > 1, `arrived in ${res.chunks} chunks`);
  const rows = parseCsv(res.text).slice(1);
  assert.is(rows.length, total);
  const emails = new Set(rows.map((row) => row[1]));
  assert.is(emails.size, total);
  for (let i = 0; i < total; i += 499) assert.ok(emails.has(`${marker}-${i}@example.com`));
  const ids = rows.map((row) => Number(row[0]));
  assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'in id order');
  void newEmail;
});

it.run();
