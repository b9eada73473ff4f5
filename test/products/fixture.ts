import '../helpers/env';
import * as assert from 'uvu/assert';
import { CloudEvent } from 'cloudevents';
import { QueryTypes } from 'sequelize';
import { migrateAndSeed } from '../../functions/kit/db';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { signToken } from '../../functions/kit/jwt';
import { products } from '../../functions/products';
import { db } from '../../functions/products/database';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { postEvent } from '../helpers/events';

/** The products service served in this process on a free port, with its own database (test_products). */
export async function startProducts(): Promise<{ url: string; call: Call; close(): Promise<void> }> {
  await migrateAndSeed('products', migrationsOf(products), products.seeds ?? []);
  await emptyCatalogue();
  const served = await serveFunction(createHttpFunction(products));
  return { url: served.url, call: client(served.url), close: served.close };
}

/** Forgets what earlier runs left (products, stock, events); the seeded reference data stays. */
async function emptyCatalogue() {
  const tables = ['stock_reservations', 'stock_orders', 'product_images', 'pending_uploads', 'related_characteristics', 'attributes', 'product_types', 'product_categories', 'product_catalogs', 'products', 'outbox_events', 'inbox_events'];
  await db.sequelize.query('SET FOREIGN_KEY_CHECKS = 0');
  for (const table of tables) await db.sequelize.query(`DELETE FROM ${table}`);
  await db.sequelize.query('SET FOREIGN_KEY_CHECKS = 1');
}

const token = (id: number, roles: string[], permissions: string[]) => signToken({ id, email: `user${id}@example.com`, roles, permissions }).token;
export const tokens = {
  merchant: () => token(1, ['merchant'], ['products.view', 'products.create', 'products.update', 'products.delete', 'orders.view', 'reports.view']),
  manager: () => token(2, ['manager'], ['products.view', 'products.create', 'products.update', 'orders.view', 'orders.update', 'reports.view']),
  customer: () => token(3, ['customer'], ['products.view', 'orders.view', 'orders.create']),
};

let counter = 0;
/** A ref no other test uses. */
export const uniqueRef = (tag = 'P') => `${tag}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

/** Creates a product through the admin API and answers its JSON. */
export async function createProduct(call: Call, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/admin/products', { token: tokens.merchant(), body: { name: 'Widget', ref: uniqueRef(), price_ht: '10.00', stock: 10, ...body } });
  assert.is(res.status, 201, res.text);
  return res.body;
}

export async function createThing(call: Call, path: string, body: Record<string, unknown>) {
  const res = await call('POST', path, { token: tokens.merchant(), body });
  assert.is(res.status, 201, res.text);
  return res.body;
}

/** A CloudEvent POSTed in binary mode to /events, as the broker's dispatcher does. */
export const deliver = (url: string, type: string, data: object, id?: string) => postEvent(url, type, data, { id });

export interface OutboxEvent {
  type: string;
  subject: string | null;
  data: any;
}

/** Events recorded in the outbox, newest last; `type` and `subject` narrow them. */
export async function outbox(filter: { type?: string; subject?: string | number } = {}): Promise<OutboxEvent[]> {
  const rows = await db.sequelize.query<{ type: string; subject: string | null; data: string }>(
    'SELECT type, subject, data FROM outbox_events ORDER BY id', { type: QueryTypes.SELECT },
  );
  return rows
    .filter((row) => (filter.type === undefined || row.type === filter.type) && (filter.subject === undefined || row.subject === String(filter.subject)))
    .map((row) => ({ ...row, data: JSON.parse(row.data) }));
}

export async function stockOf(productId: number) {
  const [row] = await db.sequelize.query<{ stock: number; reserved: number }>('SELECT stock, reserved FROM products WHERE id = ?', { replacements: [productId], type: QueryTypes.SELECT });
  return row;
}

let orderIds = 0;
/** A new order id (orders belong to another service: here they are only ids in events; the tables start empty). */
export const nextOrderId = () => ++orderIds;

export function orderCreated(id: number, lines: Array<[productId: number, quantity: number]>) {
  return {
    id, order_number: `ORD-${id}`, user_id: 3, basket_id: 1, status: 'pending',
    items: lines.map(([product_id, quantity]) => ({ product_id, product_name: 'Widget', product_ref: 'W', quantity, unit_price_ht: '10.00', vat_rate: '20.00' })),
    total_amount_ttc: '12.00', created_at: new Date().toISOString(),
  };
}
