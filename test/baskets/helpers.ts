import '../helpers/env';
import { randomInt, randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import { migrateAndSeed } from '../../functions/kit/db';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { signToken } from '../../functions/kit/jwt';
import { EVENTS, type ProductSnapshot } from '../../functions/contracts/commerce';
import { baskets } from '../../functions/baskets';
import { db } from '../../functions/baskets/database';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { postEvent } from '../helpers/events';

/**
 * The baskets service in this process on a free port, against test_baskets. Rows from earlier
 * runs stay: every test uses fresh user ids, product ids and codes.
 */
export async function startBaskets(): Promise<{ call: Call; url: string; close(): Promise<void> }> {
  await migrateAndSeed('baskets', migrationsOf(baskets), baskets.seeds ?? []);
  // No website known, whatever an interrupted end-to-end run left: baskets ship at the flat cost.
  await db.sequelize.query('DELETE FROM website_shipping');
  const served = await serveFunction(createHttpFunction(baskets));
  return { call: client(served.url), url: served.url, close: served.close };
}

let nextId = randomInt(1_000_000, 2_000_000_000);
/** An id no earlier run used (product, user or order). */
export const freshId = () => ++nextId;

export const customerToken = (id = freshId()) =>
  ({ id, token: signToken({ id, email: `c${id}@example.com`, roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token });
export const staffToken = (permissions = ['orders.view', 'orders.update']) =>
  signToken({ id: freshId(), email: 'staff@example.com', roles: ['manager'], permissions }).token;

export const uniqueCode = (tag: string) => `${tag}${randomUUID().slice(0, 8)}`.toUpperCase();

/** POSTs a CloudEvent in binary mode to /events, as the broker's dispatcher does. */
export const deliver = (url: string, type: string, data: object, options: { id?: string; time?: Date } = {}) => postEvent(url, type, data, options);

export const snapshot = (fields: Partial<ProductSnapshot> & { price_ht: string; vat_rate: string }): ProductSnapshot => {
  const id = fields.id ?? freshId();
  return { id, name: `Product ${id}`, ref: `REF-${id}`, stock: 100, reserved: 0, available: 100, is_active: true, ...fields };
};

/** A product the read model knows, through product.created. */
export async function product(url: string, fields: Partial<ProductSnapshot> & { price_ht: string; vat_rate: string }, time?: Date) {
  const data = snapshot(fields);
  const answer = await deliver(url, EVENTS.productCreated, data, { time });
  if (answer.status !== 200 || answer.body.status !== 'applied') throw new Error(`product.created not applied: ${JSON.stringify(answer)}`);
  return data;
}

let typeIds: Record<string, number> | undefined;
/** The seeded promo types' ids by kind. */
export async function typeIdOf(kind: 'percentage' | 'fixed_amount' | 'free_shipping' | 'first_order'): Promise<number> {
  typeIds ??= Object.fromEntries((await db.models.PromoType.findAll()).map((t) => [t.kind, t.id]));
  return typeIds[kind];
}

/** Creates a promo code through the admin route; answers its JSON. */
export async function promoCode(call: Call, kind: Parameters<typeof typeIdOf>[0], discount: string, extra: Record<string, unknown> = {}) {
  const body = { name: `${kind} ${discount}`, code: uniqueCode(kind.slice(0, 4)), type_id: await typeIdOf(kind), discount, ...extra };
  const res = await call('POST', '/admin/promo-codes', { token: staffToken(), body });
  if (res.status !== 201) throw new Error(`promo code not created: ${res.text}`);
  return res.body as { id: number; code: string };
}

export { db };
