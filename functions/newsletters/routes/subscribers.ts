import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { escapeLike, fieldError, idParams, listQuerySchema, notFound, paginate, reply, route, type ListQuery, type Route } from '../../kit';
import { db, Subscriber, SUBSCRIBER_STATUSES, type SubscriberStatus } from '../database';
import { changeStatus, emitLeft, importSubscribers, normalizeEmail, sendPendingConfirmations, subscriberJson, type SubscribeRequest } from '../subscribers';
import { subscriberStats } from '../stats';
import { subscribeBody } from './public';
import { READ, WRITE } from '../access';


const SORTABLE = ['id', 'email', 'name', 'status', 'source', 'created_at', 'subscribed_at', 'unsubscribed_at'];
const listQuery = listQuerySchema(SORTABLE, {
  status: { type: 'string', enum: SUBSCRIBER_STATUSES },
  source: { type: 'string', maxLength: 50 },
  search: { type: 'string', maxLength: 100 },
  from: { type: 'string', format: 'date' },
  to: { type: 'string', format: 'date' },
});

type ListFilters = ListQuery & { status?: SubscriberStatus; source?: string; search?: string; from?: string; to?: string };

function listWhere(query: ListFilters): WhereOptions {
  const where: Record<string | symbol, unknown> = {};
  if (query.status) where.status = query.status;
  if (query.source) where.source = query.source;
  const search = query.search?.trim();
  if (search) where[Op.or] = ['email', 'name'].map((field) => ({ [field]: { [Op.like]: `%${escapeLike(search)}%` } }));
  if (query.from || query.to) {
    where.created_at = { ...(query.from ? { [Op.gte]: new Date(`${query.from}T00:00:00Z`) } : {}), ...(query.to ? { [Op.lt]: new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000) } : {}) };
  }
  return where as WhereOptions;
}

async function subscriberOr404(id: number, transaction?: Transaction) {
  const subscriber = await Subscriber.findByPk(id, { transaction, ...(transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
  if (!subscriber) throw notFound('The subscriber does not exist.');
  return subscriber;
}

const statsRoute = (path: string): Route =>
  route<{}, { days: number }>({
    method: 'GET', path, summary: 'Subscribers per status, and growth per day (new, confirmed, left) over the last `days` days', access: READ,
    query: { type: 'object', properties: { days: { type: 'integer', minimum: 1, maximum: 366, default: 30 } } },
    handler: ({ query }) => subscriberStats(query.days),
  });

interface UpdateBody {
  email?: string;
  name?: string | null;
  phone?: string | null;
  preferences?: string[];
  source?: string | null;
  status?: SubscriberStatus;
}

interface ImportBody {
  subscribers?: Array<Omit<SubscribeRequest, 'source'>>;
  emails?: string[];
  status: 'pending' | 'subscribed';
  source: string;
}

const { source: _source, ...importFields } = subscribeBody.properties;

export const subscriberRoutes: Route[] = [
  route<{}, ListFilters>({
    method: 'GET', path: '/newsletters', summary: 'Subscribers; filters status, source, search (e-mail, name), from/to (created, dates)', access: READ, query: listQuery,
    handler: async ({ query }) => {
      const page = await paginate(Subscriber, { ...query, sort: query.sort ?? '-id' }, { where: listWhere(query) });
      return { ...page, data: page.data.map(subscriberJson) };
    },
  }),
  statsRoute('/newsletters/stats'),
  statsRoute('/stats'),
  route<{ id: number }>({
    method: 'GET', path: '/newsletters/:id', summary: 'One subscriber', access: READ, params: idParams,
    handler: async ({ params }) => subscriberJson(await subscriberOr404(params.id)),
  }),
  route<{ id: number }, {}, UpdateBody>({
    method: 'PUT', path: '/newsletters/:id', summary: 'Change a subscriber (only the fields sent); a status change tells the other services', access: WRITE, params: idParams,
    body: { type: 'object', properties: { ...subscribeBody.properties, status: { type: 'string', enum: SUBSCRIBER_STATUSES } } },
    handler: async ({ params, body }) => {
      const { status, ...fields } = body;
      await db.sequelize.transaction(async (transaction) => {
        const subscriber = await subscriberOr404(params.id, transaction);
        await subscriber.update({ ...fields, ...(fields.email ? { email: normalizeEmail(fields.email) } : {}) }, { transaction });
        if (status) await changeStatus(subscriber, status, transaction);
      });
      if (status === 'pending') void sendPendingConfirmations();
      return subscriberJson(await subscriberOr404(params.id));
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/newsletters/:id', summary: 'Delete a subscriber (soft); a subscribed one is told to leave the list', access: WRITE, params: idParams, response: { status: 204 },
    handler: async ({ params }) => {
      await db.sequelize.transaction(async (transaction) => {
        const subscriber = await subscriberOr404(params.id, transaction);
        if (subscriber.status === 'subscribed') await emitLeft(subscriber, 'deleted', transaction);
        // Links mailed before no longer bring it back: only a new request of its own does.
        await subscriber.update({ confirm_token: null, requested: null }, { transaction });
        await subscriber.destroy({ transaction });
      });
      return reply.noContent();
    },
  }),
  route<{}, {}, ImportBody>({
    method: 'POST', path: '/newsletters/bulk-import',
    summary: 'Import subscribers: pending with a confirmation mail (default), or subscribed when their consent was collected elsewhere',
    access: WRITE,
    body: {
      type: 'object',
      properties: {
        subscribers: { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'object', required: ['email'], properties: importFields } },
        emails: { type: 'array', minItems: 1, maxItems: 10_000, items: subscribeBody.properties.email },
        status: { type: 'string', enum: ['pending', 'subscribed'], default: 'pending' },
        source: { type: 'string', maxLength: 50, default: 'import' },
      },
    },
    handler: async ({ body }) => {
      const entries = [...(body.subscribers ?? []), ...(body.emails ?? []).map((email) => ({ email }))];
      if (!entries.length) throw fieldError('subscribers', 'The subscribers field is required (or emails).');
      if (entries.length > 10_000) throw fieldError('subscribers', 'At most 10,000 subscribers per import.');
      const { created, existing } = await importSubscribers(entries, body.status, body.source);
      void sendPendingConfirmations();
      return { message: `${created} subscribers imported, ${existing} already known.`, imported: created, existing, total: created + existing };
    },
  }),
];
