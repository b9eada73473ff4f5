import type { WhereOptions } from 'sequelize';
import { idParams, listQuerySchema, paginate, route, type ListQuery } from '../../kit';
import { Delivery, DELIVERY_METHODS, db, type DeliveryMethod } from '../database';
import { deliveryInclude, deliveryJson, deliveryOr404, visibleTo } from '../deliveries';
import { changeStatus, statusNamed, type DeliveryStatus } from '../lifecycle';

export type DeliveryListQuery = ListQuery & { status?: string; order_id?: number; delivery_method?: DeliveryMethod };
export const deliveryListQuery = listQuerySchema(['id', 'created_at', 'updated_at', 'estimated_delivery_date'], {
  status: { type: 'string', maxLength: 50 },
  order_id: { type: 'integer', minimum: 1 },
  delivery_method: { type: 'string', enum: DELIVERY_METHODS },
});

/** A page of deliveries (newest first unless sorted) among those `where` allows. */
export async function listDeliveries(where: WhereOptions, query: DeliveryListQuery) {
  const filters: Record<string, unknown> = {
    ...(query.order_id ? { order_id: query.order_id } : {}),
    ...(query.delivery_method ? { delivery_method: query.delivery_method } : {}),
    ...(query.status ? { status_id: (await statusNamed(query.status)).id } : {}),
  };
  const page = await paginate(Delivery, { ...query, sort: query.sort ?? '-id' }, { where: { ...where, ...filters }, include: deliveryInclude() });
  return { ...page, data: page.data.map(deliveryJson) };
}

type StatusBody = { status: string; location?: string | null; note?: string | null };
export const statusChangeFields = {
  status: { type: 'string', minLength: 1, maxLength: 50 },
  location: { type: ['string', 'null'], maxLength: 255 },
  note: { type: ['string', 'null'], maxLength: 1000 },
};

export const deliveryRoutes = [
  route<{}, DeliveryListQuery>({
    method: 'GET', path: '/deliveries', summary: "Deliveries: a customer's own orders', or all for staff with orders.view", access: 'auth',
    query: deliveryListQuery,
    handler: ({ user, query }) => listDeliveries(visibleTo(user), query),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/deliveries/:id', summary: 'One delivery with its history (404 when not the caller\'s)', access: 'auth', params: idParams,
    handler: async ({ user, params }) => deliveryJson(await deliveryOr404(params.id, visibleTo(user))),
  }),
  route<{ id: number }, {}, StatusBody>({
    method: 'PUT', path: '/deliveries/:id/status', summary: 'Move a delivery along its lifecycle (illegal moves 409); emits status-changed', access: { permission: 'orders.update' },
    params: idParams, body: { type: 'object', required: ['status'], properties: statusChangeFields },
    handler: async ({ user, params, body }) => {
      await deliveryOr404(params.id);
      await statusNamed(body.status);
      await db.sequelize.transaction((transaction) => changeStatus(params.id, { to: body.status as DeliveryStatus, location: body.location?.trim() || null, note: body.note?.trim() || null, changedBy: user.id }, transaction));
      return deliveryJson(await deliveryOr404(params.id));
    },
  }),
];
