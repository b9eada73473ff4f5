import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { escapeLike, idParams, listQuerySchema, notFound, paginate, route, type ListQuery } from '../../kit';
import { ContactMessage, db, MESSAGE_STATUSES } from '../database';

export const messageJson = (message: ContactMessage) => message.toJSON();

const status = { type: 'string', enum: MESSAGE_STATUSES };
type MessagesQuery = ListQuery & Partial<{ status: string; search: string; contact_id: number }>;

async function findMessageOr404(id: number, transaction?: Transaction) {
  const message = await ContactMessage.findByPk(id, { transaction, ...(transaction ? { lock: true } : {}) });
  if (!message) throw notFound('The message does not exist.');
  return message;
}

export const messageRoutes = [
  route<{}, MessagesQuery>({
    method: 'GET', path: '/messages', summary: 'The contact-form inbox, newest first; filters status, contact_id, search (name, e-mail, subject)', access: { permission: 'support.view' },
    query: listQuerySchema(['id', 'created_at', 'status', 'updated_at'], { status, search: { type: 'string', maxLength: 100 }, contact_id: { type: 'integer', minimum: 1 } }),
    handler: async ({ query }) => {
      const where: WhereOptions[] = [];
      if (query.status) where.push({ status: query.status });
      if (query.contact_id) where.push({ contact_id: query.contact_id });
      const search = query.search?.trim();
      if (search) {
        const like = { [Op.like]: `%${escapeLike(search)}%` };
        where.push({ [Op.or]: [{ name: like }, { email: like }, { subject: like }] });
      }
      const page = await paginate(ContactMessage, { ...query, sort: query.sort ?? '-created_at' }, { where: { [Op.and]: where } });
      return { ...page, data: page.data.map(messageJson) };
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/messages/:id', summary: 'One contact-form message', access: { permission: 'support.view' }, params: idParams,
    handler: async ({ params }) => messageJson(await findMessageOr404(params.id)),
  }),
  route<{ id: number }, {}, { status?: ContactMessage['status'] }>({
    method: 'PUT', path: '/messages/:id', summary: 'Mark a message new, read or answered', access: { permission: 'support.respond' }, params: idParams,
    body: { type: 'object', properties: { status } },
    handler: async ({ params, body }) => {
      const message = await db.sequelize.transaction(async (transaction) => {
        const found = await findMessageOr404(params.id, transaction);
        if (!body.status) return found;
        const now = new Date();
        return found.update({
          status: body.status,
          read_at: body.status === 'new' ? null : found.read_at ?? now,
          answered_at: body.status === 'answered' ? found.answered_at ?? now : null,
        }, { transaction });
      });
      return messageJson(message);
    },
  }),
];
