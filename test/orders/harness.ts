/**
 * The orders service in this process on a free port, with small real HTTP servers standing in for
 * baskets (`POST /baskets/checkout`) and addresses (`GET /addresses/{id}`, 404 when not the caller's),
 * answering the contract shapes of functions/contracts/commerce.ts.
 */
import '../helpers/env';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudEvent, HTTP } from 'cloudevents';
import { QueryTypes } from 'sequelize';
import type { AddressJson, BasketJson } from '../../functions/contracts/commerce';
import { migrateAndSeed } from '../../functions/kit/db';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { signToken } from '../../functions/kit/jwt';
import { formatCents, percentOf, toBasisPoints, toCents } from '../../functions/kit/money';
import { orders } from '../../functions/orders';
import { db } from '../../functions/orders/database';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { postEvent } from '../helpers/events';

// ---- people ------------------------------------------------------------------------------------

let nextId = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
export const newUserId = () => ++nextId;

export interface Person { id: number; email: string; token: string }

const GRANTS = {
  customer: ['products.view', 'orders.view', 'orders.create'],
  admin: ['orders.view', 'orders.create', 'orders.update', 'orders.cancel'],
  manager: ['orders.view', 'orders.update'],
  support: ['orders.view', 'support.view'],
  'super-admin': [] as string[],
};

export function person(role: keyof typeof GRANTS, id = newUserId()): Person {
  const email = `${role}.${id}@example.com`;
  return { id, email, token: signToken({ id, email, roles: [role], permissions: GRANTS[role] }).token };
}

// ---- baskets and addresses stand-ins -------------------------------------------------------------

export interface Line { product_id: number; quantity: number; price: string; vat?: string }

/** A basket as baskets computes it (no promotion): VAT per line at its rate, shipping on top. */
export function basketOf(userId: number, lines: Line[], shipping = '4.90'): BasketJson {
  const items = lines.map((line, index) => {
    const subtotal = toCents(line.price) * line.quantity;
    const vat = percentOf(subtotal, toBasisPoints(line.vat ?? '20.00'));
    return {
      id: index + 1, product_id: line.product_id, product_name: `Product ${line.product_id}`, product_ref: `REF-${line.product_id}`,
      quantity: line.quantity, unit_price_ht: line.price, vat_rate: line.vat ?? '20.00',
      line_subtotal_ht: formatCents(subtotal), line_discount: '0.00', line_vat: formatCents(vat), line_total_ttc: formatCents(subtotal + vat),
    };
  });
  const sum = (field: 'line_subtotal_ht' | 'line_vat') => items.reduce((total, item) => total + toCents(item[field]), 0);
  return {
    id: userId + 1, user_id: userId, status: 'active', items, promo_codes: [],
    subtotal_ht: formatCents(sum('line_subtotal_ht')), discount: '0.00', vat: formatCents(sum('line_vat')), shipping,
    total_ttc: formatCents(sum('line_subtotal_ht') + sum('line_vat') + toCents(shipping)),
    items_count: items.reduce((total, item) => total + item.quantity, 0),
  };
}

let nextAddressId = 1 + Math.floor(Math.random() * 1_000_000);

export function addressOf(userId: number, overrides: Partial<AddressJson> = {}): AddressJson {
  return {
    id: ++nextAddressId, user_id: userId, type: 'both', first_name: 'Ada', last_name: 'Lovelace', company: null,
    address_line_1: '12 rue de la Paix', address_line_2: null, city: 'Paris', postal_code: '75002',
    region_id: 11, region: { id: 11, name: 'Île-de-France', code: 'IDF' }, country_id: 75, country: { id: 75, name: 'France', code: 'FR' },
    phone: '+33 1 23 45 67 89', is_default: true, ...overrides,
  };
}

const callerOf = (authorization: string | undefined): number | undefined => {
  const token = authorization?.replace(/^Bearer\s+/i, '');
  if (!token) return undefined;
  return Number(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub);
};

/** One server for both services; `failing` makes one of them answer 500. */
export class Dependencies {
  readonly baskets = new Map<number, BasketJson>();
  readonly addresses = new Map<number, AddressJson>();
  readonly failing = new Set<'baskets' | 'addresses'>();
  calls = 0;
  url = '';
  private server?: Server;

  async start() {
    this.server = createServer((req, res) => {
      this.calls++;
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const user = callerOf(req.headers.authorization);
      if (!user) return send(401, { message: 'Unauthenticated.' });
      const address = /^\/addresses\/(\d+)$/.exec(req.url ?? '');
      if (req.url === '/baskets/checkout' && req.method === 'POST') {
        if (this.failing.has('baskets')) return send(500, { message: 'boom' });
        return send(200, this.baskets.get(user) ?? basketOf(user, []));
      }
      if (address) {
        if (this.failing.has('addresses')) return send(500, { message: 'boom' });
        const found = this.addresses.get(Number(address[1]));
        return found && found.user_id === user ? send(200, found) : send(404, { message: 'Address not found.' });
      }
      send(404, { message: 'No route.' });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    process.env.SERVICE_URL_BASKETS = this.url;
    process.env.SERVICE_URL_ADDRESSES = this.url;
  }

  address(userId: number, overrides: Partial<AddressJson> = {}): AddressJson {
    const address = addressOf(userId, overrides);
    this.addresses.set(address.id, address);
    return address;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server ? this.server.close(() => resolve()) : resolve();
    });
  }
}

/** A URL where nothing listens (a port that was free a moment ago): a service that is down. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

// ---- the orders service ----------------------------------------------------------------------------

export interface OrdersUnderTest {
  call: Call;
  url: string;
  deps: Dependencies;
  close(): Promise<void>;
}

export async function startOrders(): Promise<OrdersUnderTest> {
  await migrateAndSeed('orders', migrationsOf(orders), orders.seeds ?? []);
  const deps = new Dependencies();
  await deps.start();
  const served = await serveFunction(createHttpFunction(orders));
  return {
    call: client(served.url), url: served.url, deps,
    close: async () => {
      await served.close();
      await deps.close();
      // No broker here (K_SINK unset): drop what these tests emitted so that no later run sends it.
      await db.sequelize.query('DELETE FROM outbox_events WHERE sent_at IS NULL');
    },
  };
}

/** Sets up a basket and an address for `who` and places an order: its JSON. */
export async function placeOrder(app: OrdersUnderTest, who: Person, lines: Line[] = [{ product_id: 7, quantity: 2, price: '10.00' }]) {
  app.deps.baskets.set(who.id, basketOf(who.id, lines));
  const address = app.deps.address(who.id);
  const res = await app.call('POST', '/orders/create-from-basket', { token: who.token, body: { address_id: address.id, payment_method: 'credit_card' } });
  if (res.status !== 201) throw new Error(`order not placed: ${res.status} ${res.text}`);
  return res.body.order;
}

// ---- events ------------------------------------------------------------------------------------

/** POSTs a CloudEvent in binary mode to /events, as the broker's dispatcher does. */
export async function deliver(app: OrdersUnderTest, type: string, data: object, id: string = randomUUID()) {
  return { id, ...(await postEvent(app.url, type, data, { id })) };
}

export const STOCK_RESERVED = 'ecommerce.products.stock.reserved';
export const STOCK_REJECTED = 'ecommerce.products.stock.rejected';
export const DELIVERY_CHANGED = 'ecommerce.deliveries.delivery.status-changed';

export const reserved = (orderId: number) => ({ order_id: orderId, lines: [{ product_id: 7, quantity: 2 }], levels: [{ product_id: 7, stock: 10, reserved: 2, available: 8 }] });
export const rejected = (orderId: number) => ({ order_id: orderId, reason: 'insufficient stock', lines: [{ product_id: 7, requested: 2, available: 1 }] });
export const deliveryChange = (orderId: number, sequence: number, from: string, to: string, deliveryId = orderId + 500_000) => ({
  id: deliveryId, order_id: orderId, tracking_number: `TRK-${deliveryId}`, from, to, location: null, at: new Date().toISOString(), sequence,
});

export async function outbox(orderId: number): Promise<Array<{ type: string; data: any }>> {
  const rows = await db.sequelize.query<{ type: string; data: string }>('SELECT type, data FROM outbox_events WHERE subject = ? ORDER BY id', { replacements: [String(orderId)], type: QueryTypes.SELECT });
  return rows.map((row) => ({ type: row.type, data: JSON.parse(row.data) }));
}

export async function inbox(eventId: string): Promise<{ status: string; reason: string | null } | undefined> {
  const [row] = await db.sequelize.query<{ status: string; reason: string | null }>('SELECT status, reason FROM inbox_events WHERE event_id = ?', { replacements: [eventId], type: QueryTypes.SELECT });
  return row;
}

export async function countOrders(userId: number): Promise<number> {
  const [row] = await db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', { replacements: [userId], type: QueryTypes.SELECT });
  return Number(row.n);
}
