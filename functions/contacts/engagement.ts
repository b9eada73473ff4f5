import type { Transaction } from 'sequelize';
import { placeholders } from '../kit';
import { sql, sqlTime } from './database';

export const CHANNELS = ['newsletter', 'marketing', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
/** The channels a request names: one, or `all` of them; `fallback` when it names none. */
export function channelsOf(type: Channel | 'all' | undefined, fallback: Channel | 'all'): Channel[] {
  const chosen = type ?? fallback;
  return chosen === 'all' ? [...CHANNELS] : [chosen];
}

const FLAG: Record<Channel, string> = { newsletter: 'newsletter_subscribed', marketing: 'marketing_subscribed', sms: 'sms_subscribed' };

/** Subscribes contacts to channels; one who had unsubscribed from everything is active again. */
export async function subscribe(contactIds: number[], channels: readonly Channel[], transaction: Transaction, at = new Date()): Promise<number> {
  if (!contactIds.length) return 0;
  const result = await sql.run<{ affectedRows: number }>(
    `UPDATE contacts SET ${channels.map((c) => `${FLAG[c]} = 1`).join(', ')}, subscribed_at = ?, updated_at = ?,
       status = IF(status = 'unsubscribed', 'active', status)
     WHERE deleted_at IS NULL AND id IN (${placeholders(contactIds.length)})`,
    [sqlTime(at), sqlTime(new Date()), ...contactIds], transaction,
  );
  return result.affectedRows;
}

/** Unsubscribes contacts from channels; from all of them, an active contact becomes `unsubscribed`. */
export async function unsubscribe(contactIds: number[], channels: readonly Channel[], transaction: Transaction, at = new Date()): Promise<number> {
  if (!contactIds.length) return 0;
  const everything = CHANNELS.every((c) => channels.includes(c));
  const result = await sql.run<{ affectedRows: number }>(
    `UPDATE contacts SET ${channels.map((c) => `${FLAG[c]} = 0`).join(', ')}, unsubscribed_at = ?, updated_at = ?
       ${everything ? ", status = IF(status = 'active', 'unsubscribed', status)" : ''}
     WHERE deleted_at IS NULL AND id IN (${placeholders(contactIds.length)})`,
    [sqlTime(at), sqlTime(new Date()), ...contactIds], transaction,
  );
  return result.affectedRows;
}

export const ENGAGEMENTS = ['opened', 'clicked', 'bounced', 'complained'] as const;
export type Engagement = (typeof ENGAGEMENTS)[number];

const ENGAGEMENT_CHANGES: Record<Engagement, string> = {
  opened: 'emails_opened = emails_opened + 1, last_opened_at = ?, last_activity_at = ?',
  clicked: 'emails_clicked = emails_clicked + 1, last_clicked_at = ?, last_activity_at = ?',
  bounced: "status = 'bounced', last_activity_at = GREATEST(COALESCE(last_activity_at, ?), ?)",
  // A complaint is a refusal of every mail: no more newsletters or marketing.
  complained: "status = 'complained', newsletter_subscribed = 0, marketing_subscribed = 0, last_activity_at = GREATEST(COALESCE(last_activity_at, ?), ?)",
};

/** Records what a contact did with a mail; answers whether the contact exists. */
export async function recordEngagement(contactId: number, type: Engagement, transaction?: Transaction): Promise<boolean> {
  const now = sqlTime(new Date());
  const result = await sql.run<{ affectedRows: number }>(
    `UPDATE contacts SET ${ENGAGEMENT_CHANGES[type]}, updated_at = ? WHERE id = ? AND deleted_at IS NULL`, [now, now, now, contactId], transaction,
  );
  return result.affectedRows > 0;
}
