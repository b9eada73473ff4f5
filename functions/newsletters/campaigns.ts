import { QueryTypes, type Transaction } from 'sequelize';
import { conflict, fieldError, notFound } from '../kit';
import { Campaign, db, sql, type CampaignStatus, type Targeting } from './database';

export function campaignJson(c: Campaign) {
  return {
    id: c.id, name: c.name, subject: c.subject, html_content: c.html_content, plain_text: c.plain_text, template_id: c.template_id,
    status: c.status, targeting: c.targeting, scheduled_at: c.scheduled_at, started_at: c.started_at, sent_at: c.sent_at, cancelled_at: c.cancelled_at,
    total_recipients: c.total_recipients, sent: c.sent, failed: c.failed, ambiguous: c.ambiguous, delivered: c.delivered, opened: c.opened,
    clicked: c.clicked, bounced: c.bounced, complained: c.complained, unsubscribed: c.unsubscribed,
    created_by: c.created_by, created_at: c.created_at, updated_at: c.updated_at,
  };
}

export async function campaignOr404(id: number, transaction?: Transaction, lock = false): Promise<Campaign> {
  const campaign = await Campaign.findByPk(id, { transaction, ...(lock && transaction ? { lock: transaction.LOCK.UPDATE } : {}) });
  if (!campaign) throw notFound('The campaign does not exist.');
  return campaign;
}

/** A state change is only legal from these states (anything else is a 409 naming the current one). */
export function ensureStatus(campaign: Campaign, allowed: CampaignStatus[], action: string): void {
  if (!allowed.includes(campaign.status)) throw conflict(`A ${campaign.status} campaign cannot be ${action} (only ${allowed.join(' or ')}).`);
}

/** Who a campaign goes to: subscribed, not deleted, and matching its targeting. */
function audience(targeting: Targeting): { where: string; params: string[] } {
  const clauses = ["status = 'subscribed'", 'deleted_at IS NULL'];
  const params: string[] = [];
  if (targeting.preferences?.length) {
    clauses.push(`(${targeting.preferences.map(() => 'JSON_CONTAINS(preferences, JSON_QUOTE(?))').join(' OR ')})`);
    params.push(...targeting.preferences);
  }
  if (targeting.sources?.length) {
    clauses.push(`source IN (${targeting.sources.map(() => '?').join(', ')})`);
    params.push(...targeting.sources);
  }
  return { where: clauses.join(' AND '), params };
}

/**
 * Starts a campaign: one recipient row per subscriber of its audience (the unique campaign +
 * subscriber pair makes a second start add nobody twice), then `sending`. The mails themselves
 * go out in the background (sender.ts).
 */
export async function beginSending(id: number, allowed: CampaignStatus[]): Promise<Campaign> {
  return db.sequelize.transaction(async (transaction) => {
    const campaign = await campaignOr404(id, transaction, true);
    ensureStatus(campaign, allowed, 'sent');
    if (!campaign.html_content?.trim()) throw fieldError('html_content', 'The campaign has no content to send.');
    const { where, params } = audience(campaign.targeting);
    await db.sequelize.query(
      `INSERT IGNORE INTO newsletter_campaigns (campaign_id, subscriber_id, email, name, unsubscribe_token, status, created_at, updated_at)
       SELECT ?, id, email, name, unsubscribe_token, 'pending', NOW(), NOW() FROM newsletters WHERE ${where} ORDER BY id`,
      { replacements: [id, ...params], type: QueryTypes.INSERT, transaction },
    );
    const [{ total }] = await sql.select<{ total: number }>('SELECT COUNT(*) AS total FROM newsletter_campaigns WHERE campaign_id = ?', [id], transaction);
    await campaign.update({ status: 'sending', started_at: new Date(), total_recipients: Number(total), lease_owner: null, lease_expires_at: null }, { transaction });
    return campaign;
  });
}

/** Send outcomes counted from the recipient rows themselves (a crash can never leave them out of step). */
export async function refreshSendCounters(id: number, transaction?: Transaction): Promise<void> {
  await sql.run(
    `UPDATE campaigns c JOIN (
       SELECT COUNT(sent_at) AS sent, COALESCE(SUM(status = 'failed'), 0) AS failed, COALESCE(SUM(status = 'ambiguous'), 0) AS ambiguous
       FROM newsletter_campaigns WHERE campaign_id = ?) r
     SET c.sent = r.sent, c.failed = r.failed, c.ambiguous = r.ambiguous WHERE c.id = ?`,
    [id, id], transaction,
  );
}

/** Open, click, bounce... rates in percent of the mails sent, two decimals. */
export function rates(c: Pick<Campaign, 'sent' | 'delivered' | 'opened' | 'clicked' | 'bounced' | 'complained' | 'unsubscribed'>) {
  const of = (count: number) => (c.sent ? Math.round((count / c.sent) * 10_000) / 100 : 0);
  return {
    delivery_rate: of(c.delivered), open_rate: of(c.opened), click_rate: of(c.clicked), bounce_rate: of(c.bounced),
    complaint_rate: of(c.complained), unsubscribe_rate: of(c.unsubscribed),
    click_to_open_rate: c.opened ? Math.round((c.clicked / c.opened) * 10_000) / 100 : 0,
  };
}
