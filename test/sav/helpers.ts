import { QueryTypes } from 'sequelize';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { migrateAndSeed } from '../../functions/kit/db';
import { signToken } from '../../functions/kit/jwt';
import { sav } from '../../functions/sav';
import { auth } from '../../functions/auth';
import { orders } from '../../functions/orders';
import { db as ordersDb } from '../../functions/orders/database';
import { db } from '../../functions/sav/database';
import { client, uniqueEmail, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { startS3 } from '../helpers/s3';
import { migrateAuth } from '../helpers/auth-db';

/**
 * The sav function served in this process with its own database, beside real auth and orders
 * functions (sav asks auth whether an assignee is an agent, orders whether the caller may link an
 * order) and, for attachments, a real S3 server (s3rver).
 */
export interface SavHarness {
  url: string;
  call: Call;
  auth: Call;
  close(): Promise<void>;
}

export async function startSav(options: { s3?: boolean } = {}): Promise<SavHarness> {
  const closers: Array<() => Promise<void>> = [];
  await migrateAuth();
  await migrateAndSeed('sav', migrationsOf(sav), []);
  const authServed = await serveFunction(createHttpFunction(auth));
  closers.push(authServed.close);
  const previousAuthUrl = process.env.SERVICE_URL_AUTH;
  process.env.SERVICE_URL_AUTH = authServed.url;
  closers.push(async () => restore('SERVICE_URL_AUTH', previousAuthUrl));
  await migrateAndSeed('orders', migrationsOf(orders), orders.seeds ?? []);
  const ordersServed = await serveFunction(createHttpFunction(orders));
  closers.push(ordersServed.close);
  const previousOrdersUrl = process.env.SERVICE_URL_ORDERS;
  process.env.SERVICE_URL_ORDERS = ordersServed.url;
  closers.push(async () => restore('SERVICE_URL_ORDERS', previousOrdersUrl));
  if (options.s3) closers.push(await startS3(['sav'], 80));
  const served = await serveFunction(createHttpFunction(sav));
  closers.push(served.close);
  return {
    url: served.url,
    call: client(served.url),
    auth: client(authServed.url),
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

let lastId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
/** A user id no earlier run used. */
export const freshId = () => ++lastId;

const CUSTOMER = ['products.view', 'orders.view', 'orders.create'];
const SUPPORT = ['orders.view', 'support.view', 'support.respond', 'support.close', 'users.view'];
const token = (id: number, roles: string[], permissions: string[]) => signToken({ id, email: `user${id}@example.com`, roles, permissions }).token;

export const tokens = {
  customer: (id = freshId()) => token(id, ['customer'], CUSTOMER),
  /** The seeded support role: every support permission, and users.view. */
  support: (id = freshId()) => token(id, ['support'], SUPPORT),
  /** Sees tickets, may not answer or change them. */
  viewer: (id = freshId()) => token(id, ['viewer'], ['support.view']),
  responder: (id = freshId()) => token(id, ['responder'], ['support.view', 'support.respond', 'users.view']),
  manager: (id = freshId()) => token(id, ['manager'], ['products.view', 'products.create', 'products.update', 'orders.view', 'orders.update', 'reports.view']),
  admin: () => token(1, ['super-admin'], []),
};

/** A caller with an id, for routes that check ownership. */
export function customer() {
  const id = freshId();
  return { id, token: tokens.customer(id) };
}
export function agent() {
  const id = freshId();
  return { id, token: tokens.support(id) };
}

/** A user registered with auth and given a role there (an assignee sav can check). */
export async function registeredUser(authCall: Call, role?: string): Promise<{ id: number; token: string }> {
  const res = await authCall('POST', '/register', { body: { firstname: 'Sam', lastname: 'Agent', email: uniqueEmail('sav'), password: 'correct horse battery' } });
  if (res.status !== 201) throw new Error(`register: ${res.text}`);
  const id = res.body.user.id as number;
  if (role) {
    const granted = await authCall('POST', `/users/${id}/roles`, { token: tokens.admin(), body: { roles: [role] } });
    if (granted.status !== 200) throw new Error(`grant ${role}: ${granted.text}`);
  }
  return { id, token: res.body.token };
}

/** An order of `userId`, written straight to the orders database (what placing one would leave): its id. */
export async function orderOf(userId: number): Promise<number> {
  const address = JSON.stringify({ first_name: 'Ada', last_name: 'Lovelace', address_line_1: '1 rue de la Paix', city: 'Paris', postal_code: '75002', country_code: 'FR' });
  const [id] = await ordersDb.sequelize.query(
    `INSERT INTO orders (order_number, user_id, customer_email, basket_id, status_id, billing_address_id, shipping_address_id, billing_address, shipping_address, payment_method,
       total_amount_ht, total_discount, vat_amount, shipping_amount, total_amount_ttc, delivery_sequence, created_at, updated_at)
     SELECT ?, ?, ?, 1, id, 1, 1, ?, ?, 'credit_card', '10.00', '0.00', '2.00', '0.00', '12.00', 0, NOW(), NOW() FROM order_status WHERE name = 'pending'`,
    { replacements: [`ORD-SAV-${userId}-${freshId()}`, userId, `user${userId}@example.com`, address, address], type: QueryTypes.INSERT },
  );
  return id as unknown as number;
}

export async function newTicket(call: Call, ownerToken: string, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/tickets', { token: ownerToken, body: { subject: 'My parcel is late', description: 'Ordered ten days ago, nothing yet.', ...body } });
  if (res.status !== 201) throw new Error(`ticket: ${res.status} ${res.text}`);
  return res.body as { id: number; ticket_number: string; status: string; [key: string]: any };
}

export async function publicTicket(call: Call, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/public/tickets', { body: { name: 'Grace Hopper', email: uniqueEmail('guest'), subject: 'Where is my order?', description: 'No news since Monday.', ...body } });
  if (res.status !== 201) throw new Error(`public ticket: ${res.status} ${res.text}`);
  return res.body as { id: number; ticket_number: string; access_token: string; [key: string]: any };
}

/** The events a ticket's changes wrote to the outbox, in order. */
export async function outboxFor(ticketId: number) {
  const rows = await db.sequelize.query<{ type: string; data: string }>('SELECT type, data FROM outbox_events WHERE subject = ? AND source = ? ORDER BY id', {
    replacements: [String(ticketId), '/sav'], type: QueryTypes.SELECT,
  });
  return rows.map((row) => ({ type: row.type, data: JSON.parse(row.data) }));
}
