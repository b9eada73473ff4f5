import { Op, type WhereOptions } from 'sequelize';
import { escapeLike, fieldError, listQuerySchema, paginate, type JsonSchema, type ListQuery } from '../kit';
import { db, type Order } from './database';
import { orderJson } from './json';
import { loadOrders } from './orders';

export interface OrderListQuery extends ListQuery {
  status?: string[];
  from?: string;
  to?: string;
  user_id?: number;
  search?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dateOrTime = { type: 'string', anyOf: [{ format: 'date' }, { format: 'date-time' }], description: 'YYYY-MM-DD (a whole day) or an ISO-8601 date-time' };

/** Filters every order list has: status (one or several names), placed between from and to. */
export const dateRange = { from: dateOrTime, to: dateOrTime };

export const orderListQuery = (filters: Record<string, JsonSchema> = {}) => listQuerySchema(['id', 'created_at', 'order_number', 'total_amount_ttc'], {
  status: { type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 20, description: 'status name(s): `status=pending` or `status=pending,confirmed`' },
  ...dateRange,
  ...filters,
});

/** `created_at` within [from, to]; a `to` given as a day includes that whole day. */
export function createdBetween(from?: string, to?: string): WhereOptions<Order> {
  const range: Record<symbol, Date> = {};
  if (from) range[Op.gte] = new Date(from);
  if (to && DAY.test(to)) range[Op.lt] = new Date(Date.parse(to) + 86_400_000);
  else if (to) range[Op.lte] = new Date(to);
  const start = range[Op.gte];
  const end = range[Op.lt] ?? range[Op.lte];
  if (start && end && (range[Op.lt] ? start >= end : start > end)) throw fieldError('to', 'The to date must not be before the from date.');
  return Object.getOwnPropertySymbols(range).length ? { created_at: range } : {};
}


/** One page of orders, newest first unless sorted otherwise, limited by `scope` (who may see what). */
export async function listOrders(query: OrderListQuery, scope: WhereOptions<Order>) {
  const statuses = query.status?.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const search = query.search?.trim();
  const where: WhereOptions<Order> = {
    ...scope,
    ...createdBetween(query.from, query.to),
    ...(query.user_id ? { user_id: query.user_id } : {}),
    ...(search ? { [Op.or]: [{ order_number: { [Op.like]: `%${escapeLike(search)}%` } }, { customer_email: { [Op.like]: `%${escapeLike(search)}%` } }] } : {}),
  };
  const page = await paginate(db.models.Order, { ...query, sort: query.sort ?? '-created_at' }, {
    where,
    attributes: ['id'],
    include: statuses?.length ? [{ model: db.models.OrderStatus, as: 'status', attributes: [], where: { name: statuses } }] : [],
  });
  const orders = await loadOrders(page.data.map((order) => order.id));
  return { ...page, data: orders.map(orderJson) };
}
