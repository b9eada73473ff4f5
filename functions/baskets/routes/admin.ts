import { listQuerySchema, notFound, paginate, reply, route, staff, type ListQuery } from '../../kit';
import { db } from '../database';
import { basketJson, basketJsonOf, loadBaskets } from '../basket';

const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: 4_294_967_295 } } };
// Customers hold `orders.view` for their own orders: it does not open everyone's baskets and codes.
const read = staff('orders.view');
const write = staff('orders.update');

export const adminBasketRoutes = [
  route<{}, ListQuery & { user_id?: number; status?: string }>({
    method: 'GET', path: '/admin/baskets', summary: 'List baskets with their lines and totals', access: read,
    query: listQuerySchema(['id', 'created_at', 'updated_at'], { user_id: { type: 'integer', minimum: 1 }, status: { type: 'string', enum: ['active', 'checked_out'] } }),
    handler: async ({ query }) => {
      const where = { ...(query.user_id ? { user_id: query.user_id } : {}), ...(query.status ? { status: query.status } : {}) };
      const page = await paginate(db.models.Basket, query, { where, attributes: ['id'] });
      const byId = new Map((await loadBaskets(page.data.map((b) => b.id))).map((b) => [b.id, b]));
      return { ...page, data: await Promise.all(page.data.map((b) => basketJsonOf(byId.get(b.id)!))) };
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/admin/baskets/:id', summary: 'One basket with its lines and totals', access: read, params: idParam,
    handler: async ({ params }) => {
      const basket = await basketJson(params.id);
      if (!basket) throw notFound('The basket does not exist.');
      return basket;
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/admin/baskets/:id', summary: 'Delete a basket', access: write, params: idParam, response: { status: 204 },
    handler: async ({ params }) => {
      if (!(await db.models.Basket.destroy({ where: { id: params.id } }))) throw notFound('The basket does not exist.');
      return reply.noContent();
    },
  }),
];
