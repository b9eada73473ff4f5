import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { QueryTypes, type Transaction } from 'sequelize';
import { invalid, notFound, unauthorized, unavailable } from '../kit';
import { BOUNCE_LIMIT, settings } from './config';
import { db, sql, Subscriber } from './database';
import { changeStatus } from './subscribers';

export const WEBHOOK_KINDS = ['delivered', 'opened', 'clicked', 'bounced', 'complained'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export interface WebhookPayload {
  timestamp: number | string;
  message_id?: string;
  campaign_id?: number;
  email?: string;
  event_id?: string;
}

const SIGNATURE_HEADERS = ['x-webhook-signature', 'x-signature'];

/**
 * A provider's delivery report is trusted only when signed: hex HMAC-SHA256 of the raw body with
 * EMAIL_WEBHOOK_SECRET (compared in constant time), and fresh: the body's `timestamp` (signed with
 * it) within EMAIL_WEBHOOK_TOLERANCE_SECONDS of now, so an old report cannot be replayed.
 */
export function verifySignature(raw: Buffer, headers: IncomingHttpHeaders): void {
  const secret = settings.webhookSecret();
  if (!secret) throw unavailable('Delivery webhooks are not configured (EMAIL_WEBHOOK_SECRET).');
  const header = SIGNATURE_HEADERS.map((name) => headers[name]).find((value) => typeof value === 'string') as string | undefined;
  if (!header) throw unauthorized('Missing webhook signature (X-Webhook-Signature).');
  const given = Buffer.from(header.trim().replace(/^sha256=/i, ''), 'hex');
  const expected = createHmac('sha256', secret).update(raw).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized('Invalid webhook signature.');
}

export function checkFreshness(timestamp: number | string): void {
  const ms = typeof timestamp === 'number' ? (timestamp < 1e12 ? timestamp * 1000 : timestamp) : /^\d+$/.test(timestamp) ? Number(timestamp) * 1000 : Date.parse(timestamp);
  if (!Number.isFinite(ms)) throw invalid({ timestamp: ['The timestamp must be Unix seconds or an ISO-8601 date.'] });
  if (Math.abs(Date.now() - ms) > settings.webhookToleranceSeconds() * 1000) throw unauthorized('Stale webhook: its timestamp is too far from now.');
}

export const signWebhook = (body: string, secret: string) => createHmac('sha256', secret).update(body).digest('hex');

interface RecipientRow {
  id: number;
  campaign_id: number;
  subscriber_id: number;
  status: string;
  delivered_at: Date | null;
  opened_at: Date | null;
  clicked_at: Date | null;
  bounced_at: Date | null;
  complained_at: Date | null;
}

/** Engagement only moves forward: a late "delivered" does not undo an "opened". */
const RANK: Record<string, number> = { sent: 1, delivered: 2, opened: 3, clicked: 4 };

async function recipientOf(payload: WebhookPayload, transaction: Transaction): Promise<RecipientRow> {
  const columns = 'id, campaign_id, subscriber_id, status, delivered_at, opened_at, clicked_at, bounced_at, complained_at';
  let rows: RecipientRow[] = [];
  if (payload.message_id) {
    const id = payload.message_id.trim().replace(/^<?/, '<').replace(/>?$/, '>');
    rows = await sql.select<RecipientRow>(`SELECT ${columns} FROM newsletter_campaigns WHERE message_id = ? FOR UPDATE`, [id], transaction);
  } else if (payload.campaign_id && payload.email) {
    rows = await sql.select<RecipientRow>(`SELECT ${columns} FROM newsletter_campaigns WHERE campaign_id = ? AND email = ? FOR UPDATE`, [payload.campaign_id, payload.email.trim().toLowerCase()], transaction);
  } else {
    throw invalid({ message_id: ['Either message_id, or campaign_id and email, name the mail.'] });
  }
  if (!rows[0]) throw notFound('No mail of a campaign matches this report.');
  return rows[0];
}

/** Applies one delivery report to its recipient, its campaign's counters and (bounce, complaint) its subscriber. */
export async function applyWebhook(kind: WebhookKind, payload: WebhookPayload): Promise<{ status: 'applied' | 'duplicate'; recipient_id?: number }> {
  return db.sequelize.transaction(async (transaction) => {
    if (payload.event_id) {
      const [, fresh] = (await db.sequelize.query('INSERT IGNORE INTO webhook_events (event_id, type, received_at) VALUES (?, ?, NOW())', {
        replacements: [payload.event_id, kind], type: QueryTypes.INSERT, transaction,
      })) as unknown as [number, number];
      if (!fresh) return { status: 'duplicate' as const };
    }
    const row = await recipientOf(payload, transaction);
    const set: Record<string, unknown> = {};
    const counters: string[] = [];
    if (row.status === 'ambiguous') {
      // The provider reports on the mail: it did go out before its sender died.
      Object.assign(set, { status: 'sent', sent_at: new Date(), error: null });
      row.status = 'sent';
      await sql.run('UPDATE campaigns SET sent = sent + 1, ambiguous = ambiguous - 1 WHERE id = ? AND ambiguous > 0', [row.campaign_id], transaction);
    }
    const first = (column: keyof RecipientRow, counter: string) => {
      if (row[column] === null) {
        set[column] = new Date();
        counters.push(counter);
      }
    };
    const advance = (status: string) => {
      if ((RANK[row.status] ?? 99) < RANK[status]) set.status = status;
    };
    switch (kind) {
      case 'delivered': first('delivered_at', 'delivered'); advance('delivered'); break;
      case 'opened': first('opened_at', 'opened'); set.open_count = db.sequelize.literal('open_count + 1'); advance('opened'); break;
      case 'clicked':
        first('opened_at', 'opened'); first('clicked_at', 'clicked');
        set.click_count = db.sequelize.literal('click_count + 1'); advance('clicked'); break;
      case 'bounced': first('bounced_at', 'bounced'); set.status = 'bounced'; break;
      case 'complained': first('complained_at', 'complained'); set.status = 'complained'; break;
    }
    await db.sequelize.getQueryInterface().bulkUpdate('newsletter_campaigns', { ...set, updated_at: new Date() }, { id: row.id }, { transaction });
    if (counters.length) {
      await sql.run(`UPDATE campaigns SET ${counters.map((c) => `${c} = ${c} + 1`).join(', ')} WHERE id = ?`, [row.campaign_id], transaction);
    }
    if (kind === 'bounced' && counters.includes('bounced')) await countBounce(row.subscriber_id, transaction);
    if (kind === 'complained' && counters.includes('complained')) await leaveOnComplaint(row.subscriber_id, transaction);
    return { status: 'applied' as const, recipient_id: row.id };
  });
}

async function countBounce(subscriberId: number, transaction: Transaction) {
  const subscriber = await Subscriber.findByPk(subscriberId, { lock: transaction.LOCK.UPDATE, transaction });
  if (!subscriber) return;
  await subscriber.increment('bounce_count', { transaction });
  await subscriber.reload({ transaction });
  if (subscriber.bounce_count >= BOUNCE_LIMIT && subscriber.status === 'subscribed') await changeStatus(subscriber, 'bounced', transaction, 'bounced');
}

async function leaveOnComplaint(subscriberId: number, transaction: Transaction) {
  const subscriber = await Subscriber.findByPk(subscriberId, { lock: transaction.LOCK.UPDATE, transaction });
  if (subscriber && subscriber.status !== 'unsubscribed') await changeStatus(subscriber, 'unsubscribed', transaction, 'complained');
}

