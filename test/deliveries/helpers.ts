import { CloudEvent } from 'cloudevents';
import { QueryTypes } from 'sequelize';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { migrateAndSeed } from '../../functions/kit/db';
import { signToken } from '../../functions/kit/jwt';
import { EVENTS, type OrderConfirmed } from '../../functions/contracts/commerce';
import { deliveries } from '../../functions/deliveries';
import { db } from '../../functions/deliveries/database';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { postEvent } from '../helpers/events';

/** The deliveries function served in-process on a free port, with its database migrated and seeded. */
export async function serveDeliveries(): Promise<{ url: string; call: Call; close(): Promise<void> }> {
  await migrateAndSeed('deliveries', migrationsOf(deliveries), deliveries.seeds!);
  // No website known, whatever an interrupted end-to-end run left: new deliveries cost 0.00.
  await db.sequelize.query('DELETE FROM website_shipping');
  const served = await serveFunction(createHttpFunction(deliveries));
  return { ...served, call: client(served.url) };
}

let lastId = 1_000_000 + Math.floor(Math.random() * 2_000_000_000);
/** Ids no earlier run used (orders, users). */
export const freshId = () => ++lastId;

export const tokens = {
  customer: (id: number) => signToken({ id, email: `c${id}@example.com`, roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token,
  manager: signToken({ id: 2, email: 'manager@example.com', roles: ['manager'], permissions: ['products.view', 'orders.view', 'orders.update', 'reports.view'] }).token,
  support: signToken({ id: 3, email: 'support@example.com', roles: ['support'], permissions: ['orders.view', 'support.view', 'users.view'] }).token,
  admin: signToken({ id: 1, email: 'admin@example.com', roles: ['super-admin'], permissions: [] }).token,
};

export function orderConfirmed(orderId: number, userId: number): OrderConfirmed {
  return {
    id: orderId,
    order_number: `ORD-2026-${orderId}`,
    user_id: userId,
    customer_email: 'marie.curie@example.com',
    shipping_address: {
      id: 77, first_name: 'Marie', last_name: 'Curie', company: null, address_line_1: '11 rue Pierre et Marie Curie', address_line_2: 'Bâtiment B',
      city: 'Paris', postal_code: '75005', region: 'Île-de-France', country_code: 'FR', country: 'France', phone: '+33 1 44 27 00 00',
    },
    items: [{ product_id: 1, product_name: 'Traité de radioactivité', product_ref: 'LIV-001', quantity: 1, unit_price_ht: '42.00', vat_rate: '5.50' }],
    total_amount_ttc: '44.31',
    confirmed_at: new Date().toISOString(),
  };
}

/** POSTs a CloudEvent to /events in binary mode, as the broker's dispatcher does (from orders, about `data.id`). */
export const deliver = (url: string, type: string, data: object, id?: string) =>
  postEvent(url, type, data, { id, source: '/orders', subject: String((data as { id?: number }).id ?? '') });

/** The delivery of a confirmed order, made through the order.confirmed event. */
export async function confirmedDelivery(url: string, call: Call, userId = freshId()) {
  const orderId = freshId();
  const answer = await deliver(url, EVENTS.orderConfirmed, orderConfirmed(orderId, userId));
  if (answer.status !== 200 || answer.body.status !== 'applied') throw new Error(`order.confirmed not applied: ${JSON.stringify(answer)}`);
  const list = await call('GET', `/deliveries?order_id=${orderId}`, { token: tokens.manager });
  return { orderId, userId, delivery: list.body.data[0] as { id: number; tracking_number: string; status: string; [key: string]: any } };
}

export async function outboxFor(deliveryId: number) {
  const rows = await db.sequelize.query<{ type: string; data: string }>('SELECT type, data FROM outbox_events WHERE subject = ? AND source = ? ORDER BY id', {
    replacements: [String(deliveryId), '/deliveries'], type: QueryTypes.SELECT,
  });
  return rows.map((row) => ({ type: row.type, data: JSON.parse(row.data) }));
}
