import { Op, col, fn, literal, where, type WhereOptions } from 'sequelize';
import { escapeLike, fieldError, idParams, listQuerySchema, notFound, optionalText, reply, route, type ListQuery } from '../../kit';
import { Contact, db, ensureFree } from '../database';
import { contactDetail, contactPage, findContactOr404, normalizeEmail } from '../contacts';
import { channelsOf, ENGAGEMENTS, recordEngagement, subscribe, unsubscribe, type Channel, type Engagement } from '../engagement';
import { forgetContacts, setTags } from '../membership';
import { resolveTags, type TagRefInput } from '../tags';
import { channel, channelOrAll, contactSource, contactStatus, countryCode, email, tagRefs } from './fields';

const READ = { permission: 'users.view' };
const WRITE = { permission: 'settings.update' };

const fields = {
  email,
  first_name: optionalText(255),
  last_name: optionalText(255),
  company: optionalText(255),
  phone: { type: ['string', 'null'], maxLength: 30 },
  status: contactStatus,
  source: contactSource,
  language: countryCode,
  country: countryCode,
  city: optionalText(255),
  birth_date: { type: ['string', 'null'], format: 'date' },
  gender: { type: ['string', 'null'], enum: ['M', 'F', 'O', null] },
  user_id: { type: ['integer', 'null'], minimum: 1, maximum: 4_294_967_295 },
  newsletter_subscribed: { type: 'boolean' },
  marketing_subscribed: { type: 'boolean' },
  sms_subscribed: { type: 'boolean' },
  custom_fields: { type: ['object', 'null'] },
  notes: { type: ['string', 'null'], maxLength: 10_000 },
  tags: tagRefs,
};
type Body = Partial<Record<Exclude<keyof typeof fields, 'tags' | 'newsletter_subscribed' | 'marketing_subscribed' | 'sms_subscribed'>, any>> & {
  tags?: TagRefInput[]; newsletter_subscribed?: boolean; marketing_subscribed?: boolean; sms_subscribed?: boolean;
};

const SORTABLE = ['id', 'email', 'first_name', 'last_name', 'company', 'status', 'source', 'country', 'city', 'created_at', 'updated_at', 'total_orders', 'total_spent', 'last_purchase_at', 'last_activity_at'];
const flag = { type: 'boolean' };
const listQuery = listQuerySchema(SORTABLE, {
  search: { type: 'string', maxLength: 100 },
  status: contactStatus,
  source: contactSource,
  tag: { type: 'string', minLength: 1, maxLength: 100, description: 'a tag id or name' },
  tag_id: { type: 'integer', minimum: 1 },
  list: { type: 'integer', minimum: 1, description: 'a list id' },
  list_id: { type: 'integer', minimum: 1 },
  country: { type: 'string', pattern: '^[A-Za-z]{2}$' },
  city: { type: 'string', maxLength: 255 },
  language: { type: 'string', pattern: '^[A-Za-z]{2}$' },
  newsletter_subscribed: flag, marketing_subscribed: flag, sms_subscribed: flag,
  // The older platform's sorting parameters.
  sort_by: { type: 'string', enum: SORTABLE },
  sort_order: { type: 'string', enum: ['asc', 'desc', 'ASC', 'DESC'] },
});
type ContactQuery = ListQuery & Partial<{
  search: string; status: string; source: string; tag: string; tag_id: number; list: number; list_id: number; country: string; city: string; language: string;
  newsletter_subscribed: boolean; marketing_subscribed: boolean; sms_subscribed: boolean; sort_by: string; sort_order: string;
}>;

const q = (value: string | number) => db.sequelize.escape(value);

/** The WHERE of a contacts list: every filter narrows. */
function contactFilters(query: ContactQuery): WhereOptions {
  const and: WhereOptions[] = [];
  for (const field of ['status', 'source', 'city', 'newsletter_subscribed', 'marketing_subscribed', 'sms_subscribed'] as const) {
    if (query[field] !== undefined) and.push({ [field]: query[field] });
  }
  if (query.country) and.push({ country: query.country.toUpperCase() });
  if (query.language) and.push({ language: query.language.toLowerCase() });
  const search = query.search?.trim();
  if (search) {
    const like = { [Op.like]: `%${escapeLike(search)}%` };
    const fullName = where(fn('CONCAT_WS', ' ', col('first_name'), col('last_name')), like);
    and.push({ [Op.or]: [{ email: like }, fullName, { company: like }] });
  }
  const tag = query.tag_id ?? (query.tag && /^\d+$/.test(query.tag) ? Number(query.tag) : undefined);
  if (tag !== undefined) and.push({ id: { [Op.in]: literal(`(SELECT contact_id FROM contact_tag WHERE tag_id = ${q(tag)})`) } });
  else if (query.tag) and.push({ id: { [Op.in]: literal(`(SELECT ct.contact_id FROM contact_tag ct JOIN contact_tags t ON t.id = ct.tag_id WHERE t.name = ${q(query.tag.trim())})`) } });
  const list = query.list_id ?? query.list;
  if (list !== undefined) and.push({ id: { [Op.in]: literal(`(SELECT contact_id FROM contact_list_contacts WHERE list_id = ${q(list)} AND status = 'active')`) } });
  return { [Op.and]: and };
}

const sortOf = (query: ContactQuery) =>
  query.sort ?? (query.sort_by ? `${query.sort_order?.toLowerCase() === 'desc' ? '-' : ''}${query.sort_by}` : '-created_at');

/** Stored values of a body: e-mail normalized, codes in their usual case, empty texts as null. */
function valuesOf(body: Body, existing?: Contact) {
  const { tags: _tags, ...rest } = body;
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(rest)) values[field] = typeof value === 'string' ? value.trim() || null : value;
  if (typeof body.email === 'string') values.email = normalizeEmail(body.email);
  if (typeof values.country === 'string') values.country = values.country.toUpperCase();
  if (typeof values.language === 'string') values.language = values.language.toLowerCase();
  const now = new Date();
  const flags = ['newsletter_subscribed', 'marketing_subscribed', 'sms_subscribed'] as const;
  if (flags.some((f) => body[f] === true && !existing?.[f])) values.subscribed_at = now;
  if (existing && flags.some((f) => body[f] === false && existing[f])) values.unsubscribed_at = now;
  return values;
}

/** Custom fields are free-form but bounded: they must fit their column. */
function checkCustomFields(body: Body) {
  if (body.custom_fields && JSON.stringify(body.custom_fields).length > 60_000) throw fieldError('custom_fields', 'The custom fields may not be larger than 60,000 characters of JSON.');
}

const ensureEmailFree = (email: string | undefined, exceptId?: number) =>
  ensureFree(Contact, 'email', email === undefined ? undefined : normalizeEmail(email), exceptId, 'A contact with this email already exists.');

export const contactRoutes = [
  route<{}, ContactQuery>({
    method: 'GET', path: '/contacts', summary: 'Contacts, newest first; filters status, source, tag, list, search, country, city, language, flags', access: READ,
    query: listQuery,
    handler: async ({ query }) => {
      return contactPage({ ...query, sort: sortOf(query) }, contactFilters(query));
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/contacts/:id', summary: 'One contact, with its tags and lists', access: READ, params: idParams,
    handler: ({ params }) => contactDetail(params.id),
  }),
  route<{}, {}, Body>({
    method: 'POST', path: '/contacts', summary: 'Create a contact (e-mail unique: 409); `tags` by id or name (new names make tags)', access: WRITE,
    body: { type: 'object', required: ['email'], properties: fields },
    handler: async ({ body }) => {
      checkCustomFields(body);
      await ensureEmailFree(body.email);
      const id = await db.sequelize.transaction(async (transaction) => {
        const contact = await Contact.create({ source: 'manual', ...valuesOf(body) } as never, { transaction });
        if (body.tags?.length) await setTags(contact.id, await resolveTags(body.tags, 'tags', transaction), transaction);
        return contact.id;
      });
      return reply.created(await contactDetail(id));
    },
  }),
  route<{ id: number }, {}, Body>({
    method: 'PUT', path: '/contacts/:id', summary: 'Change a contact (only the fields sent; `tags` replaces its tags)', access: WRITE, params: idParams,
    body: { type: 'object', properties: fields },
    handler: async ({ params, body }) => {
      checkCustomFields(body);
      await ensureEmailFree(body.email, params.id);
      await db.sequelize.transaction(async (transaction) => {
        const contact = await findContactOr404(params.id, transaction);
        await contact.update(valuesOf(body, contact), { transaction });
        if (body.tags) await setTags(contact.id, await resolveTags(body.tags, 'tags', transaction), transaction);
      });
      return contactDetail(params.id);
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/contacts/:id', summary: 'Delete a contact (soft): it leaves its lists and tags, whose counts follow', access: WRITE, params: idParams,
    response: { status: 204 },
    handler: async ({ params }) => {
      await db.sequelize.transaction(async (transaction) => {
        const contact = await findContactOr404(params.id, transaction);
        await forgetContacts([contact.id], transaction);
        await contact.destroy({ transaction });
      });
      return reply.noContent();
    },
  }),
  route<{ id: number }, {}, { type?: Channel }>({
    method: 'POST', path: '/contacts/:id/subscribe', summary: 'Subscribe a contact to a channel (newsletter by default, marketing, sms)', access: WRITE, params: idParams,
    body: { type: 'object', properties: { type: channel } }, response: { status: 200 },
    handler: async ({ params, body }) => {
      await db.sequelize.transaction(async (transaction) => subscribe([(await findContactOr404(params.id, transaction)).id], channelsOf(body.type, 'newsletter'), transaction));
      return contactDetail(params.id);
    },
  }),
  route<{ id: number }, {}, { type?: Channel | 'all' }>({
    method: 'POST', path: '/contacts/:id/unsubscribe', summary: 'Unsubscribe a contact from a channel, or from all (the default)', access: WRITE, params: idParams,
    body: { type: 'object', properties: { type: channelOrAll } }, response: { status: 200 },
    handler: async ({ params, body }) => {
      await db.sequelize.transaction(async (transaction) => unsubscribe([(await findContactOr404(params.id, transaction)).id], channelsOf(body.type, 'all'), transaction));
      return contactDetail(params.id);
    },
  }),
  route<{ id: number }, {}, { type: Engagement }>({
    method: 'POST', path: '/contacts/:id/engagement', summary: 'Record a mail engagement: opened, clicked, bounced or complained', access: WRITE, params: idParams,
    body: { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: ENGAGEMENTS } } }, response: { status: 200 },
    handler: async ({ params, body }) => {
      const found = await db.sequelize.transaction((transaction) => recordEngagement(params.id, body.type, transaction));
      if (!found) throw notFound('The contact does not exist.');
      return contactDetail(params.id);
    },
  }),
];
