import type { CreationAttributes, Transaction, WhereOptions } from 'sequelize';
import { emit, formatCents, hasStaffPermission, notFound, type Caller } from '../kit';
import { defaultShipping } from '../contracts/website-shipping';
import { EVENTS, type DeliveryCreated } from '../contracts/commerce';
import { db, Delivery, DeliveryEvent, SalePoint, Status, type DeliveryMethod } from './database';
import { statusNamed } from './lifecycle';
import { newTrackingNumber } from './tracking-number';

export const deliveryInclude = () => [
  { model: Status, as: 'status_info' },
  { model: SalePoint, as: 'sale_point', paranoid: false },
  { model: DeliveryEvent, as: 'history', include: [{ model: Status, as: 'status_info' }] },
];

/** Staff with orders.view see every delivery; a customer the deliveries of their own orders. */
export const seesAllDeliveries = (caller: Caller) => hasStaffPermission(caller, 'orders.view');

/** Which deliveries a caller may read. */
export const visibleTo = (caller: Caller): WhereOptions => (seesAllDeliveries(caller) ? {} : { user_id: caller.id });

export async function deliveryOr404(id: number, where: WhereOptions = {}): Promise<Delivery> {
  const delivery = await Delivery.findOne({ where: { ...where, id }, include: deliveryInclude() });
  if (!delivery) throw notFound('Delivery not found.');
  return delivery;
}

const statusJson = (status: Status) => ({ id: status.id, name: status.name, color: status.color, description: status.description });
const inOrder = (history: DeliveryEvent[] = []) => [...history].sort((a, b) => a.id - b.id);

const salePointSummary = (point: SalePoint) => ({
  id: point.id, name: point.name, code: point.code, address: point.address, city: point.city, postal_code: point.postal_code, opening_hours: point.opening_hours,
});

/** A delivery as its customer and staff see it. */
export function deliveryJson(delivery: Delivery) {
  return {
    id: delivery.id,
    tracking_number: delivery.tracking_number,
    order_id: delivery.order_id,
    order_number: delivery.order_number,
    user_id: delivery.user_id,
    status: delivery.status_info!.name,
    status_info: statusJson(delivery.status_info!),
    delivery_method: delivery.delivery_method,
    shipping_cost: delivery.shipping_cost,
    sale_point_id: delivery.sale_point_id,
    sale_point: delivery.sale_point ? salePointSummary(delivery.sale_point) : null,
    recipient: `${delivery.first_name} ${delivery.last_name}`,
    email: delivery.email,
    shipping_address: {
      address_id: delivery.address_id, first_name: delivery.first_name, last_name: delivery.last_name, company: delivery.company,
      address_line_1: delivery.address_line_1, address_line_2: delivery.address_line_2, city: delivery.city, postal_code: delivery.postal_code,
      region: delivery.region, country_code: delivery.country_code, country: delivery.country, phone: delivery.phone,
    },
    carrier: delivery.carrier,
    carrier_tracking_number: delivery.carrier_tracking_number,
    estimated_delivery_date: delivery.estimated_delivery_date,
    shipped_at: delivery.shipped_at,
    actual_delivery_date: delivery.actual_delivery_date,
    notes: delivery.notes,
    history: inOrder(delivery.history).map((step) => ({ status: step.status_info!.name, location: step.location, note: step.note, at: step.created_at })),
    created_at: delivery.created_at,
    updated_at: delivery.updated_at,
  };
}

/** What anyone holding the tracking number may see: no name, street, phone, e-mail or staff note. */
export function trackingJson(delivery: Delivery) {
  return {
    tracking_number: delivery.tracking_number,
    status: delivery.status_info!.name,
    status_info: statusJson(delivery.status_info!),
    delivery_method: delivery.delivery_method,
    city: delivery.city,
    country_code: delivery.country_code,
    carrier: delivery.carrier,
    carrier_tracking_number: delivery.carrier_tracking_number,
    estimated_delivery_date: delivery.estimated_delivery_date,
    shipped_at: delivery.shipped_at,
    delivered_at: delivery.actual_delivery_date,
    sale_point: delivery.sale_point ? salePointSummary(delivery.sale_point) : null,
    history: inOrder(delivery.history).map((step) => ({
      status: step.status_info!.name, description: step.status_info!.description, location: step.location, at: step.created_at,
    })),
  };
}

const BUSINESS_DAYS: Record<DeliveryMethod, number> = { express: 1, pickup: 2, standard: 3 };

/** The date a parcel should arrive, counting business days (Monday to Friday) from `from`. */
export function estimatedDeliveryDate(method: DeliveryMethod, from = new Date()): string {
  const date = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  for (let left = BUSINESS_DAYS[method]; left > 0;) {
    date.setUTCDate(date.getUTCDate() + 1);
    if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6) left--;
  }
  return date.toISOString().slice(0, 10);
}

export type NewDelivery = Omit<CreationAttributes<Delivery>, 'tracking_number' | 'status_id' | 'status_sequence' | 'estimated_delivery_date' | 'shipped_at' | 'actual_delivery_date'>
  & { estimated_delivery_date?: string | null };

/** What a delivery by `method` costs on the default site; null (the column's 0.00) while no default site is known. */
async function shippingCostOf(method: DeliveryMethod, transaction: Transaction): Promise<string | null> {
  const site = await defaultShipping(db.sequelize, transaction);
  return site ? formatCents(site.costs[method]) : null;
}

/**
 * Creates a pending delivery with a fresh tracking number, its first history step, and emits
 * delivery.created. Without a `shipping_cost` it costs what its method costs on the default site.
 */
export async function createDelivery(values: NewDelivery, transaction: Transaction, changedBy: number | null = null): Promise<Delivery> {
  const pending = await statusNamed('pending', transaction);
  const shippingCost = values.shipping_cost ?? (await shippingCostOf(values.delivery_method ?? 'standard', transaction));
  const delivery = await Delivery.create({
    ...values,
    ...(shippingCost !== null ? { shipping_cost: shippingCost } : {}),
    tracking_number: newTrackingNumber(),
    status_id: pending.id,
    estimated_delivery_date: values.estimated_delivery_date ?? estimatedDeliveryDate(values.delivery_method ?? 'standard'),
    shipped_at: null,
    actual_delivery_date: null,
  }, { transaction });
  await DeliveryEvent.create({ delivery_id: delivery.id, status_id: pending.id, location: null, note: null, changed_by: changedBy, created_at: delivery.created_at }, { transaction });
  const data: DeliveryCreated = { id: delivery.id, order_id: delivery.order_id, tracking_number: delivery.tracking_number, status: pending.name };
  await emit(transaction, EVENTS.deliveryCreated, delivery.id, data);
  return delivery;
}
