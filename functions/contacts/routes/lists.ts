import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { conflict, escapeLike, fieldError, idParams, invalid, listQuerySchema, notFound, optionalText, paginate, reply, requiredText, route, type ListQuery } from '../../kit';
import { ContactList, db, ensureFree, figures, LIST_STATUSES, LIST_TYPES, sql } from '../database';
import { contactPage, requireLiveContacts } from '../contacts';
import { validateCriteria, type Criteria } from '../criteria';
import { addToList, copyMembers, removeFromList, syncDynamicList } from '../membership';
import { listExport } from '../export';
import { contactIds, contactIdsBody } from './fields';

const ACCESS = { permission: 'settings.update' };

const fields = {
  name: requiredText(191),
  description: optionalText(10_000),
  type: { type: 'string', enum: LIST_TYPES },
  status: { type: 'string', enum: LIST_STATUSES },
  is_dynamic: { type: 'boolean' },
  // Checked apart (validateCriteria): an unknown criterion is a 422, not silently dropped. A list of
  // `{ field, operator, value }` conditions (the older platform's shape) is translated.
  criteria: { type: ['object', 'array', 'null'] },
};
type Body = Partial<{ name: string; description: string | null; type: ContactList['type']; status: ContactList['status']; is_dynamic: boolean; criteria: unknown }>;

export function listJson(list: ContactList) {
  const { deleted_at: _deleted, ...rest } = list.get({ plain: true }) as Record<string, unknown>;
  return { ...rest, is_dynamic: Boolean(list.is_dynamic), criteria: list.criteria ?? null };
}

export async function findListOr404(id: number, transaction?: Transaction): Promise<ContactList> {
  const list = await ContactList.findByPk(id, { transaction });
  if (!list) throw notFound('The list does not exist.');
  return list;
}

/** A list whose members are chosen by hand; a dynamic one's come from its criteria (409). With `field`, an unknown list is a 422 on it. */
export async function staticListOr409(id: number, transaction: Transaction, field?: string): Promise<ContactList> {
  const list = await ContactList.findByPk(id, { transaction });
  if (!list) throw field ? fieldError(field, 'The selected list does not exist.') : notFound('The list does not exist.');
  if (list.is_dynamic) throw conflict("A dynamic list's members come from its criteria: change the criteria and sync it instead.");
  return list;
}

const ensureNameFree = (name: string | undefined, exceptId?: number) => ensureFree(ContactList, 'name', name?.trim(), exceptId, 'A list with this name already exists.');

/** The criteria a write leaves a list with: those sent are checked; a dynamic list must have some. */
async function criteriaFor(body: Body, existing?: ContactList): Promise<Criteria | null> {
  const criteria = body.criteria === undefined ? existing?.criteria ?? null : body.criteria === null ? null : await validateCriteria(body.criteria);
  if ((body.is_dynamic ?? existing?.is_dynamic) && criteria === null) {
    throw invalid({ criteria: ['A dynamic list needs criteria (an object such as { "status": "active", "tags_any": ["vip"] }).'] });
  }
  return criteria;
}

const valuesOf = (body: Body) => {
  const { criteria: _criteria, ...rest } = body;
  return { ...rest, ...(typeof body.name === 'string' ? { name: body.name.trim() } : {}) };
};

const SORTABLE = ['id', 'name', 'type', 'status', 'contact_count', 'created_at', 'updated_at', 'last_synced_at'];
type ListsQuery = ListQuery & Partial<{ search: string; type: string; status: string; is_dynamic: boolean }>;

const membersBody = { type: 'object', properties: { contact_ids: contactIds } };

export const listRoutes = [
  route<{}, ListsQuery>({
    method: 'GET', path: '/lists', summary: 'Contact lists, newest first; filters type, status, is_dynamic, search (name, description)', access: ACCESS,
    query: listQuerySchema(SORTABLE, { search: { type: 'string', maxLength: 100 }, type: fields.type, status: fields.status, is_dynamic: { type: 'boolean' } }),
    handler: async ({ query }) => {
      const where: WhereOptions[] = [];
      for (const field of ['type', 'status', 'is_dynamic'] as const) if (query[field] !== undefined) where.push({ [field]: query[field] });
      const search = query.search?.trim();
      if (search) where.push({ [Op.or]: [{ name: { [Op.like]: `%${escapeLike(search)}%` } }, { description: { [Op.like]: `%${escapeLike(search)}%` } }] });
      const page = await paginate(ContactList, { ...query, sort: query.sort ?? '-created_at' }, { where: { [Op.and]: where } });
      return { ...page, data: page.data.map(listJson) };
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/lists/:id', summary: 'One list', access: ACCESS, params: idParams,
    handler: async ({ params }) => listJson(await findListOr404(params.id)),
  }),
  route<{}, {}, Body>({
    method: 'POST', path: '/lists', summary: 'Create a list (name unique: 409); a dynamic one needs criteria and is filled from them at once', access: ACCESS,
    body: { type: 'object', required: ['name'], properties: fields },
    handler: async ({ body, caller }) => {
      await ensureNameFree(body.name);
      const criteria = await criteriaFor(body);
      const id = await db.sequelize.transaction(async (transaction) => {
        const list = await ContactList.create({ ...valuesOf(body), name: body.name!.trim(), criteria, created_by: caller?.id ?? null }, { transaction });
        if (list.is_dynamic) await syncDynamicList(list, transaction);
        return list.id;
      });
      return reply.created(listJson(await findListOr404(id)));
    },
  }),
  route<{ id: number }, {}, Body>({
    method: 'PUT', path: '/lists/:id', summary: 'Change a list (only the fields sent); new criteria of a dynamic list are applied at once', access: ACCESS, params: idParams,
    body: { type: 'object', properties: fields },
    handler: async ({ params, body }) => {
      const existing = await findListOr404(params.id);
      await ensureNameFree(body.name, params.id);
      const criteria = await criteriaFor(body, existing);
      await db.sequelize.transaction(async (transaction) => {
        const list = await findListOr404(params.id, transaction);
        const resync = Boolean(body.is_dynamic ?? list.is_dynamic) && (body.criteria !== undefined || (body.is_dynamic === true && !list.is_dynamic));
        await list.update({ ...valuesOf(body), criteria }, { transaction });
        if (resync) await syncDynamicList(list, transaction);
      });
      return listJson(await findListOr404(params.id));
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/lists/:id', summary: 'Delete a list (soft); its contacts stay', access: ACCESS, params: idParams, response: { status: 204 },
    handler: async ({ params }) => {
      await (await findListOr404(params.id)).destroy();
      return reply.noContent();
    },
  }),
  route<{ id: number }, ListQuery>({
    method: 'GET', path: '/lists/:id/contacts', summary: "A list's contacts (its active members)", access: ACCESS, params: idParams,
    query: listQuerySchema(['id', 'email', 'created_at']),
    handler: async ({ params, query }) => {
      await findListOr404(params.id);
      const members = db.sequelize.literal(`(SELECT contact_id FROM contact_list_contacts WHERE list_id = ${Number(params.id)} AND status = 'active')`);
      return contactPage(query, { id: { [Op.in]: members } });
    },
  }),
  route<{ id: number }, {}, { contact_ids: number[] }>({
    method: 'POST', path: '/lists/:id/contacts', summary: 'Add contacts to a static list', access: ACCESS, params: idParams, body: contactIdsBody, response: { status: 200 },
    handler: async ({ params, body, caller }) => {
      const ids = await requireLiveContacts(body.contact_ids);
      const added = await db.sequelize.transaction(async (transaction) => addToList((await staticListOr409(params.id, transaction)).id, ids, caller?.id ?? null, transaction));
      return { message: `${added} contact(s) added to the list.`, added, data: listJson(await findListOr404(params.id)) };
    },
  }),
  route<{ id: number }, { contact_ids?: number[] }, { contact_ids?: number[] }>({
    method: 'DELETE', path: '/lists/:id/contacts', summary: 'Remove contacts from a static list (`contact_ids` in the body or the query)', access: ACCESS, params: idParams,
    body: membersBody, query: membersBody, response: { status: 200 },
    handler: async ({ params, body, query }) => {
      const requested = body.contact_ids ?? query.contact_ids;
      if (!requested) throw fieldError('contact_ids', 'The contact ids field is required.');
      const ids = [...new Set(requested)];
      const removed = await db.sequelize.transaction(async (transaction) => removeFromList((await staticListOr409(params.id, transaction)).id, ids, transaction));
      return { message: `${removed} contact(s) removed from the list.`, removed, data: listJson(await findListOr404(params.id)) };
    },
  }),
  route<{ id: number }>({
    method: 'POST', path: '/lists/:id/sync', summary: 'Recompute a dynamic list from its criteria (a static list: 409)', access: ACCESS, params: idParams, response: { status: 200 },
    handler: async ({ params }) => {
      const outcome = await db.sequelize.transaction(async (transaction) => {
        const list = await findListOr404(params.id, transaction);
        if (!list.is_dynamic) throw conflict('Only a dynamic list can be synced: a static list is changed by adding and removing contacts.');
        return syncDynamicList(list, transaction);
      });
      const list = await findListOr404(params.id);
      return { message: 'The list was synced.', ...outcome, contact_count: list.contact_count, data: listJson(list) };
    },
  }),
  route<{ id: number }, {}, { name?: string; copy_contacts?: boolean }>({
    method: 'POST', path: '/lists/:id/duplicate', summary: 'Copy a list: its settings and criteria, and its contacts unless copy_contacts is false', access: ACCESS, params: idParams,
    body: { type: 'object', properties: { name: requiredText(191), copy_contacts: { type: 'boolean' } } },
    handler: async ({ params, body, caller }) => {
      const original = await findListOr404(params.id);
      const name = body.name?.trim() ?? `${original.name} (copy)`.slice(0, 191);
      await ensureNameFree(name);
      const id = await db.sequelize.transaction(async (transaction) => {
        const copy = await ContactList.create({
          name, description: original.description, type: original.type, status: original.status, is_dynamic: original.is_dynamic,
          criteria: original.criteria, created_by: caller?.id ?? null,
        }, { transaction });
        if (copy.is_dynamic) await syncDynamicList(copy, transaction);
        else if (body.copy_contacts !== false) await copyMembers(original.id, copy.id, caller?.id ?? null, transaction);
        return copy.id;
      });
      return reply.created(listJson(await findListOr404(id)));
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/lists/:id/stats', summary: "A list's figures: members by status, source and subscription", access: ACCESS, params: idParams,
    handler: async ({ params }) => {
      const list = await findListOr404(params.id);
      const members = `FROM contact_list_contacts m JOIN contacts c ON c.id = m.contact_id WHERE m.list_id = ? AND c.deleted_at IS NULL`;
      const [totals] = await sql.select<Record<string, string | number | null>>(
        `SELECT COUNT(*) AS total_contacts, SUM(m.status = 'active') AS active_members, SUM(m.status = 'unsubscribed') AS unsubscribed_members,
           SUM(m.status = 'active' AND c.status = 'active') AS active_contacts,
           SUM(m.status = 'active' AND c.newsletter_subscribed) AS subscribed_contacts, SUM(m.status = 'active' AND NOT c.newsletter_subscribed) AS unsubscribed_contacts,
           SUM(m.status = 'active' AND c.marketing_subscribed) AS marketing_subscribed, SUM(m.status = 'active' AND c.sms_subscribed) AS sms_subscribed,
           SUM(m.status = 'active' AND c.status = 'bounced') AS bounced_contacts, MAX(m.added_at) AS last_added_at ${members}`,
        [list.id],
      );
      const grouped = async (column: string) => Object.fromEntries(
        (await sql.select<{ value: string; n: number }>(`SELECT c.${column} AS value, COUNT(*) AS n ${members} AND m.status = 'active' GROUP BY c.${column}`, [list.id]))
          .map((row) => [row.value, Number(row.n)]),
      );
      const { last_added_at, ...counts } = totals;
      return {
        list_id: list.id, contact_count: list.contact_count,
        ...figures(counts),
        by_status: await grouped('status'), by_source: await grouped('source'),
        last_added_at, last_synced_at: list.last_synced_at, last_updated: list.updated_at,
      };
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/lists/:id/export', summary: "A list's contacts as a CSV download (streamed)", access: ACCESS, params: idParams,
    response: { description: 'text/csv' },
    handler: async ({ params }) => {
      const { headers, lines } = listExport(await findListOr404(params.id));
      return reply.stream(headers, lines);
    },
  }),
];
