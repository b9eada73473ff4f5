import type { ResultSetHeader } from 'mysql2';
import type { Transaction } from 'sequelize';
import { placeholders } from '../kit';
import { sql, sqlTime, type ContactList } from './database';
import { criteriaWhere } from './criteria';

/**
 * Who is in which list and has which tag, with the lists' contact_count and the tags'
 * usage_count kept equal to what the link tables hold. Every change first locks the list or tag
 * rows it touches (in id order), then changes the links, then recounts: one writer at a time per
 * list or tag, so counts never drift, whatever runs concurrently.
 */

const lock = async (table: 'contact_lists' | 'contact_tags', ids: number[], transaction: Transaction) => {
  if (ids.length) await sql.select(`SELECT id FROM ${table} WHERE id IN (${placeholders(ids.length)}) ORDER BY id FOR UPDATE`, ids, transaction);
};

async function recountLists(listIds: number[], transaction: Transaction) {
  if (!listIds.length) return;
  await sql.run(
    `UPDATE contact_lists l SET contact_count = (SELECT COUNT(*) FROM contact_list_contacts m WHERE m.list_id = l.id AND m.status = 'active')
     WHERE l.id IN (${placeholders(listIds.length)})`, listIds, transaction,
  );
}

async function recountTags(tagIds: number[], transaction: Transaction) {
  if (!tagIds.length) return;
  await sql.run(
    `UPDATE contact_tags t SET usage_count = (SELECT COUNT(*) FROM contact_tag ct WHERE ct.tag_id = t.id) WHERE t.id IN (${placeholders(tagIds.length)})`,
    tagIds, transaction,
  );
}

const changed = (result: ResultSetHeader) => result.affectedRows;

// ---- lists ------------------------------------------------------------------------------------

/** Puts live contacts in a list (again active if they had unsubscribed from it); answers how many joined. */
export async function addToList(listId: number, contactIds: number[], by: number | null, transaction: Transaction): Promise<number> {
  await lock('contact_lists', [listId], transaction);
  if (!contactIds.length) return 0;
  const before = await activeMembers(listId, transaction);
  await sql.run(
    `INSERT INTO contact_list_contacts (list_id, contact_id, status, added_at, added_by)
     SELECT ?, id, 'active', ?, ? FROM contacts WHERE deleted_at IS NULL AND id IN (${placeholders(contactIds.length)})
     ON DUPLICATE KEY UPDATE status = 'active'`,
    [listId, sqlTime(new Date()), by, ...contactIds], transaction,
  );
  await recountLists([listId], transaction);
  return (await activeMembers(listId, transaction)) - before;
}

export async function removeFromList(listId: number, contactIds: number[], transaction: Transaction): Promise<number> {
  await lock('contact_lists', [listId], transaction);
  if (!contactIds.length) return 0;
  const removed = changed(await sql.run<ResultSetHeader>(
    `DELETE FROM contact_list_contacts WHERE list_id = ? AND contact_id IN (${placeholders(contactIds.length)})`, [listId, ...contactIds], transaction,
  ));
  await recountLists([listId], transaction);
  return removed;
}

/** A contact leaves one list by their own choice: they stay in it, unsubscribed (and out of the count). */
export async function unsubscribeFromList(listId: number, contactId: number, transaction: Transaction): Promise<void> {
  await lock('contact_lists', [listId], transaction);
  await sql.run("UPDATE contact_list_contacts SET status = 'unsubscribed' WHERE list_id = ? AND contact_id = ?", [listId, contactId], transaction);
  await recountLists([listId], transaction);
}

async function activeMembers(listId: number, transaction: Transaction): Promise<number> {
  const [row] = await sql.select<{ n: number }>("SELECT COUNT(*) AS n FROM contact_list_contacts WHERE list_id = ? AND status = 'active'", [listId], transaction);
  return Number(row.n);
}

/**
 * Recomputes a dynamic list from its criteria: who no longer matches leaves, who matches joins
 * (those who stay keep their added_at; those who unsubscribed from the list stay out).
 */
export async function syncDynamicList(list: ContactList, transaction: Transaction): Promise<{ added: number; removed: number }> {
  await lock('contact_lists', [list.id], transaction);
  const { where, params } = await criteriaWhere(list.criteria ?? {}, transaction);
  const removed = changed(await sql.run<ResultSetHeader>(
    `DELETE m FROM contact_list_contacts m WHERE m.list_id = ? AND m.contact_id NOT IN (SELECT c.id FROM contacts c WHERE ${where})`,
    [list.id, ...params], transaction,
  ));
  const added = changed(await sql.run<ResultSetHeader>(
    `INSERT IGNORE INTO contact_list_contacts (list_id, contact_id, status, added_at)
     SELECT ?, c.id, 'active', ? FROM contacts c WHERE ${where}`,
    [list.id, sqlTime(new Date()), ...params], transaction,
  ));
  await sql.run('UPDATE contact_lists SET last_synced_at = ?, updated_at = ? WHERE id = ?', [sqlTime(new Date()), sqlTime(new Date()), list.id], transaction);
  await recountLists([list.id], transaction);
  return { added, removed };
}

/** Copies the members of one list into another (a duplicate). */
export async function copyMembers(fromListId: number, toListId: number, by: number | null, transaction: Transaction): Promise<void> {
  await lock('contact_lists', [fromListId, toListId], transaction);
  await sql.run(
    `INSERT IGNORE INTO contact_list_contacts (list_id, contact_id, status, added_at, added_by)
     SELECT ?, contact_id, 'active', ?, ? FROM contact_list_contacts WHERE list_id = ? AND status = 'active'`,
    [toListId, sqlTime(new Date()), by, fromListId], transaction,
  );
  await recountLists([toListId], transaction);
}

// ---- tags -------------------------------------------------------------------------------------

/** Tags live contacts; answers how many did not have the tag yet. */
export async function applyTag(tagId: number, contactIds: number[], transaction: Transaction): Promise<number> {
  await lock('contact_tags', [tagId], transaction);
  if (!contactIds.length) return 0;
  const applied = changed(await sql.run<ResultSetHeader>(
    `INSERT IGNORE INTO contact_tag (tag_id, contact_id, tagged_at)
     SELECT ?, id, ? FROM contacts WHERE deleted_at IS NULL AND id IN (${placeholders(contactIds.length)})`,
    [tagId, sqlTime(new Date()), ...contactIds], transaction,
  ));
  await recountTags([tagId], transaction);
  return applied;
}

export async function removeTag(tagId: number, contactIds: number[], transaction: Transaction): Promise<number> {
  await lock('contact_tags', [tagId], transaction);
  if (!contactIds.length) return 0;
  const removed = changed(await sql.run<ResultSetHeader>(
    `DELETE FROM contact_tag WHERE tag_id = ? AND contact_id IN (${placeholders(contactIds.length)})`, [tagId, ...contactIds], transaction,
  ));
  await recountTags([tagId], transaction);
  return removed;
}

/** Gives a contact exactly these tags. */
export async function setTags(contactId: number, tagIds: number[], transaction: Transaction): Promise<void> {
  const current = (await sql.select<{ tag_id: number }>('SELECT tag_id FROM contact_tag WHERE contact_id = ?', [contactId], transaction)).map((r) => r.tag_id);
  const touched = [...new Set([...current, ...tagIds])].sort((a, b) => a - b);
  await lock('contact_tags', touched, transaction);
  await sql.run('DELETE FROM contact_tag WHERE contact_id = ?', [contactId], transaction);
  if (tagIds.length) {
    await sql.run(`INSERT INTO contact_tag (tag_id, contact_id, tagged_at) VALUES ${tagIds.map(() => '(?, ?, ?)').join(', ')}`,
      tagIds.flatMap((tagId) => [tagId, contactId, sqlTime(new Date())]), transaction);
  }
  await recountTags(touched, transaction);
}

/**
 * Moves every contact of `source` to `target` (a contact that had both keeps one link), then
 * deletes `source`. Answers how many contacts gained the target tag.
 */
export async function mergeTag(sourceId: number, targetId: number, transaction: Transaction): Promise<number> {
  await lock('contact_tags', [sourceId, targetId], transaction);
  const moved = changed(await sql.run<ResultSetHeader>(
    'INSERT IGNORE INTO contact_tag (tag_id, contact_id, tagged_at) SELECT ?, contact_id, tagged_at FROM contact_tag WHERE tag_id = ?',
    [targetId, sourceId], transaction,
  ));
  await sql.run('DELETE FROM contact_tags WHERE id = ?', [sourceId], transaction); // its links go with it (ON DELETE CASCADE)
  await recountTags([targetId], transaction);
  return moved;
}

// ---- contacts ---------------------------------------------------------------------------------

/** A deleted contact leaves every list and loses every tag, and the counts follow. */
export async function forgetContacts(contactIds: number[], transaction: Transaction): Promise<void> {
  if (!contactIds.length) return;
  const ids = placeholders(contactIds.length);
  const lists = (await sql.select<{ list_id: number }>(`SELECT DISTINCT list_id FROM contact_list_contacts WHERE contact_id IN (${ids}) ORDER BY list_id`, contactIds, transaction)).map((r) => r.list_id);
  const tags = (await sql.select<{ tag_id: number }>(`SELECT DISTINCT tag_id FROM contact_tag WHERE contact_id IN (${ids}) ORDER BY tag_id`, contactIds, transaction)).map((r) => r.tag_id);
  await lock('contact_lists', lists, transaction);
  await lock('contact_tags', tags, transaction);
  await sql.run(`DELETE FROM contact_list_contacts WHERE contact_id IN (${ids})`, contactIds, transaction);
  await sql.run(`DELETE FROM contact_tag WHERE contact_id IN (${ids})`, contactIds, transaction);
  await recountLists(lists, transaction);
  await recountTags(tags, transaction);
}
