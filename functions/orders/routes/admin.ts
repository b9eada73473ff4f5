import { idParams, conflict, fieldError, reply, route, staff } from '../../kit';
import { db } from '../database';
import { isClosed } from '../lifecycle';
import { listOrders, orderListQuery, type OrderListQuery } from '../listing';
import { orderJson } from '../json';
import { loadOrder, lockOrderOr404 } from '../orders';
import { moveByHand } from '../transitions';
import { existingStatusName, reasonField } from './orders';

interface AdminUpdate {
  status?: string;
  status_id?: number;
  notes?: string | null;
  reason?: string | null;
}

/** The status an admin update asks for, by name or id (both given must agree). */
async function requestedStatus(body: AdminUpdate): Promise<string | undefined> {
  const byName = body.status !== undefined ? await existingStatusName(body.status) : undefined;
  if (body.status_id === undefined) return byName;
  const byId = await db.models.OrderStatus.findByPk(body.status_id);
  if (!byId) throw fieldError('status_id', 'Unknown order status.');
  if (byName !== undefined && byName !== byId.name) throw fieldError('status_id', 'The status and status_id name different statuses.');
  return byId.name;
}

export const adminRoutes = [
  route<{}, OrderListQuery>({
    method: 'GET', path: '/admin/orders', summary: 'List every order: filters status, from, to, user_id, search (order number or e-mail)',
    // The admin area is for staff: a customer's orders.view does not open it.
    access: staff('orders.view'),
    query: orderListQuery({ user_id: { type: 'integer', minimum: 1 }, search: { type: 'string', maxLength: 100 } }),
    handler: ({ query }) => listOrders(query, {}),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/admin/orders/:id', summary: 'One order', access: staff('orders.view'), params: idParams,
    handler: async ({ params }) => orderJson(await loadOrder(params.id)),
  }),
  route<{ id: number }, {}, AdminUpdate>({
    method: 'PUT', path: '/admin/orders/:id', summary: 'Update an order: notes, and its status (by name or id) along the lifecycle only (409 otherwise)',
    access: staff('orders.update'), params: idParams,
    body: {
      type: 'object',
      properties: {
        status: { type: 'string', minLength: 1, maxLength: 50 }, status_id: { type: 'integer', minimum: 1 },
        notes: { type: ['string', 'null'], maxLength: 2000 }, reason: reasonField,
      },
    },
    handler: async ({ params, body, user }) => {
      const to = await requestedStatus(body);
      await db.sequelize.transaction(async (transaction) => {
        const locked = await lockOrderOr404(params.id, transaction);
        // The same status again leaves it as it is (a client sending the order back with new notes).
        if (to !== undefined && to !== locked.status) await moveByHand(locked, to, { by: user.id, reason: body.reason ?? null }, transaction);
        if (body.notes !== undefined) await locked.order.update({ notes: body.notes }, { transaction });
      });
      return orderJson(await loadOrder(params.id));
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/admin/orders/:id', summary: 'Delete (soft) an order that is over: cancelled or refunded (409 otherwise)',
    access: staff('orders.delete'), params: idParams, response: { status: 204 },
    handler: async ({ params }) => {
      await db.sequelize.transaction(async (transaction) => {
        const locked = await lockOrderOr404(params.id, transaction);
        if (!isClosed(locked.status)) throw conflict(`An order that is ${locked.status} is still under way: cancel it first.`);
        await locked.order.destroy({ transaction });
      });
      return reply.noContent();
    },
  }),
];
