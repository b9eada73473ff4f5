import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { migrateAndSeed } from '../../functions/kit/db';
import { signToken } from '../../functions/kit/jwt';
import { sav } from '../../functions/sav';
import { auth } from '../../functions/auth';
import { db } from '../../functions/sav/database';
import { client, uniqueEmail, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { migrateAuth } from '../helpers/auth-db';

/**
 * The sav function served in this process with its own database, beside a real auth function
 * (sav asks it whether an assignee is an agent) and, for attachments, a real S3 server (s3rver).
 */
export interface SavHarness {
  url: string;
  call: Call;
  auth: Call;
  close(): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const S3rver = require('s3rver');

export async function startSav(options: { s3?: boolean } = {}): Promise<SavHarness> {
  const closers: Array<() => Promise<void>> = [];
  await migrateAuth();
  await migrateAndSeed('sav', migrationsOf(sav), []);
  const authServed = await serveFunction(createHttpFunction(auth));
  closers.push(authServed.close);
  const previousAuthUrl = process.env.SERVICE_URL_AUTH;
  process.env.SERVICE_URL_AUTH = authServed.url;
  closers.push(async () => restore('SERVICE_URL_AUTH', previousAuthUrl));
  if (options.s3) closers.push(await startS3());
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

/** s3rver with the sav bucket on a port of this run's offset. */
async function startS3(): Promise<() => Promise<void>> {
  const port = 9000 + Number(process.env.PORT_OFFSET ?? 10000) + 80;
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 's3-sav-')), configureBuckets: [{ name: 'sav' }] });
  await server.run();
  const previous = process.env.S3_ENDPOINT;
  process.env.S3_ENDPOINT = `http://127.0.0.1:${port}`;
  return async () => {
    await server.close();
    restore('S3_ENDPOINT', previous);
  };
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
