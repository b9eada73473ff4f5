import type { Transaction } from 'sequelize';
import { conflict, crudRoutes, fieldError, formatCents, idParams, moneySchema, notFound, optionalText, reply, requiredText, route, staff, toCents } from '../../kit';
import { Delivery, DELIVERY_METHODS, db, SalePoint, Status, type DeliveryMethod } from '../database';
import { createDelivery, deliveryJson, deliveryOr404, type NewDelivery } from '../deliveries';
import { changeStatus, statusNamed, type DeliveryStatus } from '../lifecycle';
import { deliveryListQuery, listDeliveries, statusChangeFields, type DeliveryListQuery } from './deliveries';

// A customer's orders.view covers their own orders: the administration needs staff.
const view = staff('orders.view');
const manage = staff('orders.update');

const editable = {
  delivery_method: { type: 'string', enum: DELIVERY_METHODS },
  shipping_cost: moneySchema(),
  sale_point_id: { type: ['integer', 'null'], minimum: 1 },
  first_name: requiredText(255), last_name: requiredText(255), company: optionalText(255),
  address_line_1: requiredText(255), address_line_2: optionalText(255), city: requiredText(255), postal_code: requiredText(20),
  region: optionalText(255), country_code: { type: 'string', pattern: '^[A-Za-z]{2}$' }, country: optionalText(255),
  phone: optionalText(30), email: { type: ['string', 'null'], format: 'email', maxLength: 255 },
  carrier: optionalText(100), carrier_tracking_number: optionalText(100),
  estimated_delivery_date: { type: ['string', 'null'], format: 'date' },
  notes: { type: ['string', 'null'], maxLength: 5000 },
};
type Editable = Partial<Omit<NewDelivery, 'order_id' | 'user_id' | 'shipping_cost'>> & { shipping_cost?: string | number };

/** Stored values of a body: money in its two-decimal form, country codes in capitals. */
function valuesOf(body: Editable): Partial<NewDelivery> {
  const { shipping_cost, country_code, ...rest } = body;
  return {
    ...rest,
    ...(shipping_cost !== undefined ? { shipping_cost: formatCents(toCents(shipping_cost)) } : {}),
    ...(country_code !== undefined ? { country_code: country_code.toUpperCase() } : {}),
  };
}

/** A pickup goes to an active sale point. */
async function checkSalePoint(method: DeliveryMethod, salePointId: number | null | undefined, transaction: Transaction) {
  if (salePointId) {
    const point = await SalePoint.findOne({ where: { id: salePointId, is_active: true }, transaction });
    if (!point) throw fieldError('sale_point_id', 'The selected sale point is invalid or closed.');
  } else if (method === 'pickup') {
    throw fieldError('sale_point_id', 'A pickup delivery needs a sale point.');
  }
}

type CreateBody = Editable & { order_id: number; user_id: number; order_number?: string | null };
type UpdateBody = Editable & { status?: string; location?: string | null; note?: string | null };

export const adminDeliveryRoutes = [
  route<{}, DeliveryListQuery>({
    method: 'GET', path: '/admin/deliveries', summary: 'Every delivery', access: view, query: deliveryListQuery,
    handler: ({ query }) => listDeliveries({}, query),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/admin/deliveries/:id', summary: 'One delivery', access: view, params: idParams,
    handler: async ({ params }) => deliveryJson(await deliveryOr404(params.id)),
  }),
  route<{}, {}, CreateBody>({
    method: 'POST', path: '/admin/deliveries', summary: 'Create the delivery of an order by hand (one per order); emits delivery.created', access: manage,
    body: {
      type: 'object',
      required: ['order_id', 'user_id', 'first_name', 'last_name', 'address_line_1', 'city', 'postal_code', 'country_code'],
      properties: { order_id: { type: 'integer', minimum: 1 }, user_id: { type: 'integer', minimum: 1 }, order_number: optionalText(64), ...editable },
    },
    handler: async ({ user, body }) => {
      const id = await db.sequelize.transaction(async (transaction) => {
        if (await Delivery.findOne({ where: { order_id: body.order_id }, paranoid: false, transaction })) throw conflict('This order already has a delivery.');
        await checkSalePoint(body.delivery_method ?? 'standard', body.sale_point_id, transaction);
        const values = { ...valuesOf(body), order_id: body.order_id, user_id: body.user_id } as NewDelivery;
        return (await createDelivery(values, transaction, user.id)).id;
      });
      return reply.created(deliveryJson(await deliveryOr404(id)));
    },
  }),
  route<{ id: number }, {}, UpdateBody>({
    method: 'PUT', path: '/admin/deliveries/:id', summary: 'Change a delivery (only the fields sent); a `status` follows the lifecycle (409)', access: manage,
    params: idParams, body: { type: 'object', properties: { ...editable, ...statusChangeFields } },
    handler: async ({ user, params, body }) => {
      const { status, location, note, ...fields } = body;
      await deliveryOr404(params.id);
      if (status !== undefined) await statusNamed(status);
      await db.sequelize.transaction(async (transaction) => {
        const delivery = await Delivery.findByPk(params.id, { transaction, lock: transaction.LOCK.UPDATE });
        if (!delivery) throw notFound('Delivery not found.');
        const current = await Status.findByPk(delivery.status_id, { transaction });
        const values = valuesOf(fields);
        if (values.delivery_method !== undefined || values.sale_point_id !== undefined) {
          await checkSalePoint(values.delivery_method ?? delivery.delivery_method, values.sale_point_id !== undefined ? values.sale_point_id : delivery.sale_point_id, transaction);
        }
        await delivery.update(values, { transaction });
        // Sending back the status it has is no change (clients PUT the whole object).
        if (status !== undefined && status !== current?.name) await changeStatus(delivery.id, { to: status as DeliveryStatus, location: location?.trim() || null, note: note?.trim() || null, changedBy: user.id }, transaction);
      });
      return deliveryJson(await deliveryOr404(params.id));
    },
  }),
  ...crudRoutes({
    model: Delivery, noun: 'delivery', path: '/admin/deliveries', only: ['delete'], fields: {}, required: [],
    access: { list: view, show: view, create: manage, update: manage, delete: manage },
  }),
];
