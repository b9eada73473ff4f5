import { Op, type WhereOptions } from 'sequelize';
import { escapeLike, fieldError, idParams, listQuerySchema, optionalText, pageOf, paginate, reply, requiredText, route, type ListQuery } from '../../kit';
import { db, ensureFree, figures, sql, Tag, TAG_TYPES } from '../database';
import { contactPage, requireLiveContacts } from '../contacts';
import { applyTag, mergeTag, removeTag } from '../membership';
import { findTagOr404 } from '../tags';
import { contactIdsBody, contactStatus } from './fields';

const ACCESS = { permission: 'settings.update' };

const fields = {
  name: requiredText(100),
  color: { type: 'string', pattern: '^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$' },
  description: optionalText(10_000),
  type: { type: 'string', enum: TAG_TYPES },
};
type Body = Partial<{ name: string; color: string; description: string | null; type: Tag['type'] }>;

const tagJson = (tag: Tag) => tag.toJSON();

const ensureNameFree = (name: string | undefined, exceptId?: number) => ensureFree(Tag, 'name', name?.trim(), exceptId, 'A tag with this name already exists.');

const valuesOf = (body: Body) => ({ ...body, ...(typeof body.name === 'string' ? { name: body.name.trim() } : {}) });

type TagsQuery = ListQuery & Partial<{ search: string; type: string }>;
type TagContactsQuery = ListQuery & Partial<{ status: string; newsletter_subscribed: boolean }>;

export const tagRoutes = [
  route<{}, TagsQuery>({
    method: 'GET', path: '/tags', summary: 'Tags, most used first; filters type, search', access: ACCESS,
    query: listQuerySchema(['id', 'name', 'usage_count', 'created_at'], { search: { type: 'string', maxLength: 100 }, type: fields.type }),
    handler: async ({ query }) => {
      const where: WhereOptions[] = [];
      if (query.type) where.push({ type: query.type });
      if (query.search?.trim()) where.push({ name: { [Op.like]: `%${escapeLike(query.search.trim())}%` } });
      const page = await paginate(Tag, { ...query, sort: query.sort ?? '-usage_count' }, { where: { [Op.and]: where } });
      return { ...page, data: page.data.map(tagJson) };
    },
  }),
  route<{}, { limit: number }>({
    method: 'GET', path: '/tags/popular', summary: 'The most used tags (limit 10 by default, at most 50), as one page', access: ACCESS,
    query: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 } } },
    handler: async ({ query }) => {
      const tags = await Tag.findAll({ where: { usage_count: { [Op.gt]: 0 } }, order: [['usage_count', 'DESC'], ['name', 'ASC']], limit: query.limit });
      return pageOf(tags.map(tagJson), tags.length, { page: 1, per_page: query.limit });
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/tags/:id', summary: 'One tag', access: ACCESS, params: idParams,
    handler: async ({ params }) => tagJson(await findTagOr404(params.id)),
  }),
  route<{}, {}, Body>({
    method: 'POST', path: '/tags', summary: 'Create a tag (name unique: 409)', access: ACCESS,
    body: { type: 'object', required: ['name'], properties: fields },
    handler: async ({ body }) => {
      await ensureNameFree(body.name);
      return reply.created(tagJson(await Tag.create(valuesOf(body) as never)));
    },
  }),
  route<{ id: number }, {}, Body>({
    method: 'PUT', path: '/tags/:id', summary: 'Change a tag (only the fields sent)', access: ACCESS, params: idParams,
    body: { type: 'object', properties: fields },
    handler: async ({ params, body }) => {
      const tag = await findTagOr404(params.id);
      await ensureNameFree(body.name, tag.id);
      return tagJson(await tag.update(valuesOf(body)));
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/tags/:id', summary: 'Delete a tag: it leaves every contact', access: ACCESS, params: idParams, response: { status: 204 },
    handler: async ({ params }) => {
      await (await findTagOr404(params.id)).destroy(); // its links go with it (ON DELETE CASCADE)
      return reply.noContent();
    },
  }),
  route<{ id: number }, TagContactsQuery>({
    method: 'GET', path: '/tags/:id/contacts', summary: 'The contacts with a tag; filters status, newsletter_subscribed', access: ACCESS, params: idParams,
    query: listQuerySchema(['id', 'email', 'created_at'], { status: contactStatus, newsletter_subscribed: { type: 'boolean' } }),
    handler: async ({ params, query }) => {
      const tag = await findTagOr404(params.id);
      const tagged = db.sequelize.literal(`(SELECT contact_id FROM contact_tag WHERE tag_id = ${Number(tag.id)})`);
      const where: WhereOptions[] = [{ id: { [Op.in]: tagged } }];
      if (query.status) where.push({ status: query.status });
      if (query.newsletter_subscribed !== undefined) where.push({ newsletter_subscribed: query.newsletter_subscribed });
      return contactPage(query, { [Op.and]: where });
    },
  }),
  route<{ id: number }, {}, { contact_ids: number[] }>({
    method: 'POST', path: '/tags/:id/apply', summary: 'Tag contacts (those who have it already are unchanged)', access: ACCESS, params: idParams, body: contactIdsBody,
    response: { status: 200 },
    handler: async ({ params, body }) => {
      const ids = await requireLiveContacts(body.contact_ids);
      const applied = await db.sequelize.transaction(async (transaction) => applyTag((await findTagOr404(params.id, transaction)).id, ids, transaction));
      return { message: `Tag applied to ${applied} contact(s).`, applied_count: applied, data: tagJson(await findTagOr404(params.id)) };
    },
  }),
  route<{ id: number }, {}, { contact_ids: number[] }>({
    method: 'DELETE', path: '/tags/:id/remove', summary: 'Untag contacts', access: ACCESS, params: idParams, body: contactIdsBody, response: { status: 200 },
    handler: async ({ params, body }) => {
      const ids = [...new Set(body.contact_ids)];
      const removed = await db.sequelize.transaction(async (transaction) => removeTag((await findTagOr404(params.id, transaction)).id, ids, transaction));
      return { message: `Tag removed from ${removed} contact(s).`, removed_count: removed, data: tagJson(await findTagOr404(params.id)) };
    },
  }),
  route<{ id: number }, {}, { target_tag_id: number }>({
    method: 'POST', path: '/tags/:id/merge', summary: 'Merge this tag into the target: its contacts get the target tag, then it is deleted', access: ACCESS, params: idParams,
    body: { type: 'object', required: ['target_tag_id'], properties: { target_tag_id: { type: 'integer', minimum: 1 } } }, response: { status: 200 },
    handler: async ({ params, body }) => {
      if (body.target_tag_id === params.id) throw fieldError('target_tag_id', 'The target tag must be another tag.');
      const merged = await db.sequelize.transaction(async (transaction) => {
        const source = await findTagOr404(params.id, transaction);
        const target = await Tag.findByPk(body.target_tag_id, { transaction });
        if (!target) throw fieldError('target_tag_id', 'The selected target tag does not exist.');
        return mergeTag(source.id, target.id, transaction);
      });
      const target = await findTagOr404(body.target_tag_id);
      return { message: `Tag merged: ${merged} contact(s) moved to "${target.name}".`, merged_count: merged, data: tagJson(target) };
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/tags/:id/stats', summary: "A tag's figures: its contacts by status, subscription and country", access: ACCESS, params: idParams,
    handler: async ({ params }) => {
      const tag = await findTagOr404(params.id);
      const tagged = 'FROM contact_tag ct JOIN contacts c ON c.id = ct.contact_id WHERE ct.tag_id = ? AND c.deleted_at IS NULL';
      const [totals] = await sql.select<Record<string, string | number | null>>(
        `SELECT COUNT(*) AS total_contacts, SUM(c.status = 'active') AS active_contacts, SUM(c.newsletter_subscribed) AS subscribed_contacts,
           SUM(c.marketing_subscribed) AS marketing_subscribed, SUM(ct.tagged_at >= NOW() - INTERVAL 7 DAY) AS recent_additions ${tagged}`,
        [tag.id],
      );
      const countries = await sql.select<{ country: string; n: number }>(`SELECT c.country, COUNT(*) AS n ${tagged} AND c.country IS NOT NULL GROUP BY c.country ORDER BY n DESC`, [tag.id]);
      return {
        tag_id: tag.id, name: tag.name, usage_count: tag.usage_count,
        ...figures(totals),
        countries: Object.fromEntries(countries.map((row) => [row.country, Number(row.n)])),
      };
    },
  }),
];
