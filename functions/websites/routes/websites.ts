import { Op } from 'sequelize';
import { crudRoutes, escapeLike, fieldError, idParams, listQuerySchema, paginate, reply, route, type ListQuery } from '../../kit';
import { db, Website } from '../database';
import { settingsSchema } from '../settings';
import { createWebsite, deleteWebsite, updateWebsite, websiteJson, websiteOr404, type WebsiteInput } from '../websites';

const manage = { permission: 'settings.update' };
const SORTABLE = ['id', 'name', 'domain', 'created_at', 'updated_at'];

const fields = {
  name: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
  domain: { type: 'string', minLength: 1, maxLength: 253, description: 'Host name, stored in lower case (unique)' },
  is_active: { type: 'boolean' },
  is_default: { type: 'boolean', description: 'The site answering /config for unknown domains; one at a time (a new default unsets the old one)' },
  settings: settingsSchema,
};

const reads = crudRoutes({
  model: Website, noun: 'website', path: '/websites', only: ['list', 'show'],
  access: { list: 'public', show: 'public', create: manage, update: manage, delete: manage },
  fields: {}, required: [],
  sortable: SORTABLE, defaultSort: 'name',
  searchable: ['name', 'domain'],
  filters: { is_active: { type: 'boolean' }, is_default: { type: 'boolean' } },
  toJson: websiteJson,
});

/** Sites whose name or domain holds `q`: an exact domain or name first, then those starting with it. */
async function searchWebsites(query: ListQuery & { q: string }) {
  const q = query.q.trim();
  if (!q) throw fieldError('q', 'The q field is required.');
  const like = (pattern: string) => ({ [Op.like]: pattern });
  const contains = `%${escapeLike(q)}%`;
  const escaped = db.sequelize.escape(q.toLowerCase());
  const startsWith = db.sequelize.escape(`${escapeLike(q.toLowerCase())}%`);
  const page = await paginate(Website, query, {
    where: { [Op.or]: [{ name: like(contains) }, { domain: like(contains) }] },
    order: [
      [db.sequelize.literal(`(domain = ${escaped} OR LOWER(name) = ${escaped})`), 'DESC'],
      [db.sequelize.literal(`(domain LIKE ${startsWith} OR LOWER(name) LIKE ${startsWith})`), 'DESC'],
      ['name', 'ASC'], ['id', 'ASC'],
    ],
  });
  return { ...page, data: page.data.map(websiteJson) };
}

export const websiteRoutes = [
  route<{}, ListQuery & { q: string }>({
    method: 'GET', path: '/websites/search', summary: 'Websites whose name or domain holds `q`, best matches first', access: 'public',
    query: { ...listQuerySchema(SORTABLE, { q: { type: 'string', minLength: 1, maxLength: 100 } }), required: ['q'] },
    handler: ({ query }) => searchWebsites(query),
  }),
  ...reads,
  route<{}, {}, WebsiteInput & { name: string; domain: string }>({
    method: 'POST', path: '/websites', summary: 'Create a website (settings checked, defaults filled in); emits website.updated', access: manage,
    body: { type: 'object', required: ['name', 'domain'], properties: fields },
    handler: async ({ body }) => reply.created(websiteJson(await websiteOr404(await createWebsite(body)))),
  }),
  route<{ id: number }, {}, WebsiteInput>({
    method: 'PUT', path: '/websites/:id', summary: 'Change a website (only the fields sent; settings part by part); emits website.updated', access: manage,
    params: idParams, body: { type: 'object', properties: fields },
    handler: async ({ params, body }) => {
      await updateWebsite(params.id, body);
      return websiteJson(await websiteOr404(params.id));
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/websites/:id', summary: 'Delete a website (soft); emits website.updated with deleted: true', access: manage,
    params: idParams, response: { status: 204 },
    handler: async ({ params }) => {
      await deleteWebsite(params.id);
      return reply.noContent();
    },
  }),
];
