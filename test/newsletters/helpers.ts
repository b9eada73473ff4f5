import '../helpers/env';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { CloudEvent } from 'cloudevents';
import { QueryTypes } from 'sequelize';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { migrateAndSeed } from '../../functions/kit/db';
import { signToken } from '../../functions/kit/jwt';
import { PING_EVENT_TYPE } from '../../functions/kit/events/declarations';
import { newsletters } from '../../functions/newsletters';
import { db } from '../../functions/newsletters/database';
import { sendingIdle } from '../../functions/newsletters/sender';
import { startSmtpSink, type SmtpSink } from '../../scripts/smtp-sink';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';
import { postEvent } from '../helpers/events';

export const WEBHOOK_SECRET = 'test-webhook-secret';

export interface Served {
  url: string;
  call: Call;
  sink: SmtpSink;
}

let served: Promise<Served> | undefined;

/**
 * The newsletters function served in this process (once per test run, shared by the suites), its
 * database migrated, mailing over SMTP to a sink in this process. The throttle is lifted (tests
 * that need it set their own); links in mails point at this function.
 */
export function serveNewsletters(): Promise<Served> {
  served ??= (async () => {
    const sink = await startSmtpSink();
    Object.assign(process.env, {
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.smtpPort), NEWSLETTER_SEND_RATE: '0', NEWSLETTER_SEND_CONCURRENCY: '5',
      EMAIL_WEBHOOK_SECRET: WEBHOOK_SECRET, MAIL_FROM: 'Shop News <news@shop.test>', NEWSLETTERS_UNSUBSCRIBE_MAILTO: 'unsubscribe@shop.test',
    });
    await migrateAndSeed('newsletters', migrationsOf(newsletters), newsletters.seeds!);
    const { url } = await serveFunction(createHttpFunction(newsletters));
    process.env.NEWSLETTERS_PUBLIC_URL = url;
    process.once('beforeExit', () => void sink.stop());
    return { url, call: client(url), sink };
  })();
  return served;
}

export const tokens = {
  admin: signToken({ id: 1, email: 'root@example.com', roles: ['super-admin'], permissions: [] }).token,
  /** settings.update only: writes, but reads need reports.view. */
  editor: signToken({ id: 5, email: 'editor@example.com', roles: ['manager'], permissions: ['settings.update'] }).token,
  /** reports.view only (a manager or merchant): reads, never writes. */
  reporter: signToken({ id: 2, email: 'manager@example.com', roles: ['manager'], permissions: ['products.view', 'orders.view', 'orders.update', 'reports.view'] }).token,
  customer: signToken({ id: 9, email: 'c9@example.com', roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token,
};

let counter = 0;
/** An address and a source tag no other run used: a campaign targeting the tag reaches only this test's subscribers. */
export const uniqueEmail = (tag = 'sub') => `${tag}.${process.pid}.${Date.now()}.${++counter}@example.com`;
export const uniqueTag = (tag = 't') => `${tag}-${randomUUID().slice(0, 12)}`;

/** Subscribed subscribers written straight to the table (fast), tagged with `source`. */
export async function seedSubscribed(count: number, source: string, name = (i: number) => `Reader ${i}`): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `${source}.${i}@example.com`);
  for (let start = 0; start < count; start += 500) {
    const rows = emails.slice(start, start + 500).map((email, j) => [email, name(start + j), 'subscribed', '[]', source, randomUUID(), new Date(), new Date(), new Date()]);
    await db.sequelize.query(
      `INSERT INTO newsletters (email, name, status, preferences, source, unsubscribe_token, subscribed_at, created_at, updated_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      { replacements: rows.flat(), type: QueryTypes.INSERT },
    );
  }
  return emails;
}

/** POSTs a CloudEvent to /events in binary mode, as the broker does (from auth unless said). */
export const deliver = (url: string, type: string, data: object, id?: string, source = '/auth') => postEvent(url, type, data, { id, source });

export const tick = (url: string) => deliver(url, PING_EVENT_TYPE, {}, randomUUID(), '/local/ping');

export async function outboxOf(type: string, subject: number) {
  const rows = await db.sequelize.query<{ data: string }>('SELECT data FROM outbox_events WHERE type = ? AND subject = ? ORDER BY id', {
    replacements: [type, String(subject)], type: QueryTypes.SELECT,
  });
  return rows.map((r) => JSON.parse(r.data));
}

/** A campaign sent to the subscribers tagged `source`, once it is sent. */
export async function sendCampaignTo(call: Call, source: string, extra: object = {}) {
  const created = await call('POST', '/campaigns', { token: tokens.admin, body: { name: `Campaign ${source}`, subject: 'News for {{name}}', html_content: '<p>Hello {{name}}</p><p><a href="{{unsubscribe_url}}">Leave</a></p>', targeting: { sources: [source] }, ...extra } });
  if (created.status !== 201) throw new Error(`campaign not created: ${created.text}`);
  const sent = await call('POST', `/campaigns/${created.body.id}/send`, { token: tokens.admin });
  if (sent.status !== 202) throw new Error(`campaign not started: ${sent.text}`);
  await sendingIdle();
  return (await call('GET', `/campaigns/${created.body.id}`, { token: tokens.admin })).body;
}

/** A port nothing listens on (for now). */
export const freePort = () => new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

export { sendingIdle };
