import { idParams, conflict, fieldError, forbidden, hasPermission, notFound, route } from '../../kit';
import { db } from '../database';
import { seesAllOrders, visibleTo } from '../access';
import { isCancellable } from '../lifecycle';
import { listOrders, orderListQuery, type OrderListQuery } from '../listing';
import { orderJson } from '../json';
import { loadOrder, lockOrderOr404, visibleOrderOr404 } from '../orders';
import { moveByHand, moveOrder } from '../transitions';

export const reasonField = { type: ['string', 'null'], maxLength: 255 };

/** A status given by name: one of order_status (422 otherwise); whether the order may go there is the lifecycle's call. */
export async function existingStatusName(name: string, field = 'status'): Promise<string> {
  const status = await db.models.OrderStatus.findOne({ where: { name } });
  if (!status) throw fieldError(field, `Unknown order status "${name}".`);
  return status.name;
}

export const orderRoutes = [
  route<{}, OrderListQuery>({
    method: 'GET', path: '/orders', summary: "List orders (a customer's own; every order for staff with orders.view): filters status, from, to; sort",
    access: { permission: 'orders.view' }, query: orderListQuery(),
    handler: ({ query, user }) => listOrders(query, visibleTo(user)),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/orders/:id', summary: 'One order with items, addresses and status history (another customer\'s is a 404)',
    access: { permission: 'orders.view' }, params: idParams,
    handler: async ({ params, user }) => orderJson(await visibleOrderOr404(params.id, user)),
  }),
  route<{ id: number }, {}, { reason?: string | null }>({
    method: 'PUT', path: '/orders/:id/cancel', summary: 'Cancel an order: its customer while pending, confirmed or processing, or orders.cancel',
    access: 'auth', params: idParams, body: { type: 'object', properties: { reason: reasonField } },
    handler: async ({ params, body, user }) => {
      await db.sequelize.transaction(async (transaction) => {
        const locked = await lockOrderOr404(params.id, transaction);
        const owner = locked.order.user_id === user.id;
        if (!owner && !hasPermission(user, 'orders.cancel')) throw seesAllOrders(user) ? forbidden() : notFound('Order not found.');
        if (!isCancellable(locked.status)) throw conflict(`An order that is ${locked.status} can no longer be cancelled.`);
        const reason = body.reason || (owner ? 'cancelled by the customer' : 'cancelled by staff');
        await moveOrder(locked, ['cancelled'], { by: user.id, reason }, transaction);
      });
      return { message: 'Order cancelled successfully.', order: orderJson(await loadOrder(params.id)) };
    },
  }),
  route<{ id: number }, {}, { status: string; reason?: string | null }>({
    method: 'PUT', path: '/orders/:id/status', summary: "Change an order's status: legal transitions only (409 otherwise)",
    access: { permission: 'orders.update' }, params: idParams,
    body: { type: 'object', required: ['status'], properties: { status: { type: 'string', minLength: 1, maxLength: 50 }, reason: reasonField } },
    handler: async ({ params, body, user }) => {
      const to = await existingStatusName(body.status);
      await db.sequelize.transaction(async (transaction) => {
        await moveByHand(await lockOrderOr404(params.id, transaction), to, { by: user.id, reason: body.reason ?? null }, transaction);
      });
      return { message: `Order status changed to ${to}.`, order: orderJson(await loadOrder(params.id)) };
    },
  }),
];
