import type { Transaction, WhereOptions } from 'sequelize';
import { invalid, notFound, paginate, placeholders, type ListQuery } from '../kit';
import { Contact, sql } from './database';

export interface TagRef { id: number; name: string; color: string }
export interface ListRef { id: number; name: string; status: string; added_at: Date }

/** E-mails are compared and stored lower-cased and trimmed: one person, one contact. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** "Marie Curie" → Marie / Curie; "Madonna" → Madonna / null. */
export function splitName(name: string | null | undefined): { first_name: string | null; last_name: string | null } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return { first_name: null, last_name: null };
  return { first_name: parts[0], last_name: parts.slice(1).join(' ') || null };
}

export function contactJson(contact: Contact, tags: TagRef[] = [], lists?: ListRef[]) {
  const { deleted_at: _deleted, ...fields } = contact.get({ plain: true }) as Record<string, unknown>;
  return {
    ...fields,
    newsletter_subscribed: Boolean(contact.newsletter_subscribed),
    marketing_subscribed: Boolean(contact.marketing_subscribed),
    sms_subscribed: Boolean(contact.sms_subscribed),
    custom_fields: contact.custom_fields ?? null,
    tags,
    ...(lists ? { lists } : {}),
  };
}

export async function findContactOr404(id: number, transaction?: Transaction): Promise<Contact> {
  const contact = await Contact.findByPk(id, { transaction, ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
  if (!contact) throw notFound('The contact does not exist.');
  return contact;
}

/** The tags of each of these contacts, in one query. */
export async function tagsOf(contactIds: number[], transaction?: Transaction): Promise<Map<number, TagRef[]>> {
  const byContact = new Map<number, TagRef[]>(contactIds.map((id) => [id, []]));
  if (!contactIds.length) return byContact;
  const rows = await sql.select<TagRef & { contact_id: number }>(
    `SELECT ct.contact_id, t.id, t.name, t.color FROM contact_tag ct JOIN contact_tags t ON t.id = ct.tag_id
     WHERE ct.contact_id IN (${placeholders(contactIds.length)}) ORDER BY t.name`, contactIds, transaction,
  );
  for (const { contact_id, ...tag } of rows) byContact.get(contact_id)?.push(tag);
  return byContact;
}

export async function listsOf(contactId: number, transaction?: Transaction): Promise<ListRef[]> {
  return sql.select<ListRef>(
    `SELECT l.id, l.name, m.status, m.added_at FROM contact_list_contacts m JOIN contact_lists l ON l.id = m.list_id
     WHERE m.contact_id = ? AND l.deleted_at IS NULL ORDER BY l.name`, [contactId], transaction,
  );
}

/** One page of contacts, each with its tags: two queries for the page, one for the tags. */
export async function contactPage(query: ListQuery, where: WhereOptions) {
  const page = await paginate(Contact, query, { where });
  const tags = await tagsOf(page.data.map((c) => c.id));
  return { ...page, data: page.data.map((c) => contactJson(c, tags.get(c.id))) };
}

/** A contact as the API shows one: with its tags and lists. */
export async function contactDetail(id: number, transaction?: Transaction) {
  const contact = await findContactOr404(id, transaction);
  return contactJson(contact, (await tagsOf([id], transaction)).get(id), await listsOf(id, transaction));
}

/** Which of these ids are live contacts (the others are reported back as unknown). */
export async function liveContactIds(ids: number[], transaction?: Transaction): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await sql.select<{ id: number }>(`SELECT id FROM contacts WHERE deleted_at IS NULL AND id IN (${placeholders(ids.length)})`, ids, transaction);
  return new Set(rows.map((r) => r.id));
}

/** Every id must be a live contact: an unknown one is a 422 naming its place, as Laravel's `exists` rule did. */
export async function requireLiveContacts(ids: number[], field = 'contact_ids', transaction?: Transaction): Promise<number[]> {
  const unique = [...new Set(ids)];
  const live = await liveContactIds(unique, transaction);
  const errors: Record<string, string[]> = {};
  ids.forEach((id, index) => {
    if (!live.has(id)) errors[`${field}.${index}`] = [`The selected ${field}.${index} is invalid (no contact ${id}).`];
  });
  if (Object.keys(errors).length) throw invalid(errors);
  return unique;
}
