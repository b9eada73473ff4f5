import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { migrateAndSeed } from '../../functions/kit/db';
import { signToken } from '../../functions/kit/jwt';
import { contacts } from '../../functions/contacts';
import { client, uniqueEmail, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { postEvent } from '../helpers/events';

/** The contacts function served in-process on a free port, with its database migrated. */
export async function serveContacts(): Promise<{ url: string; call: Call; close(): Promise<void> }> {
  await migrateAndSeed('contacts', migrationsOf(contacts), []);
  const served = await serveFunction(createHttpFunction(contacts));
  return { ...served, call: client(served.url) };
}

export const tokens = {
  /** settings.update: writes contacts, lists, tags. */
  admin: signToken({ id: 1, email: 'admin@example.com', roles: ['super-admin'], permissions: [] }).token,
  /** admin role: users.view (reads contacts) but not settings.update. */
  staff: signToken({ id: 4, email: 'staff@example.com', roles: ['admin'], permissions: ['users.view', 'users.create', 'users.update', 'support.view', 'support.respond', 'support.close', 'settings.view'] }).token,
  marketer: signToken({ id: 5, email: 'marketer@example.com', roles: ['manager'], permissions: ['settings.update', 'users.view'] }).token,
  support: signToken({ id: 3, email: 'support@example.com', roles: ['support'], permissions: ['orders.view', 'support.view', 'support.respond', 'support.close', 'users.view'] }).token,
  customer: signToken({ id: 9, email: 'c9@example.com', roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token,
};

export const newEmail = (tag = 'contact') => uniqueEmail(tag);
/** A name no earlier run used (tags and lists have unique names). */
export const uniqueName = (prefix: string) => `${prefix} ${randomUUID().slice(0, 8)}`;

let lastId = 1_000_000 + Math.floor(Math.random() * 2_000_000_000);
export const freshId = () => ++lastId;

/** POSTs a CloudEvent to /events in binary mode, as the broker's dispatcher does. */
export const deliver = (url: string, type: string, data: object, id?: string, source?: string) => postEvent(url, type, data, { id, source });

/** Creates a contact through the API; answers its JSON. */
export async function createContact(call: Call, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/contacts', { token: tokens.admin, body: { email: newEmail(), ...body } });
  if (res.status !== 201) throw new Error(`contact not created: ${res.status} ${res.text}`);
  return res.body as { id: number; email: string; [key: string]: any };
}
