import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { emit, log } from '../kit';
import { onShutdown } from '../kit/lifecycle';
import { runOutsideScope } from '../kit/context';
import { ENGAGEMENT_EVENTS, type CampaignSent } from '../contracts/engagement';
import { settings } from './config';
import { Campaign, db, sql } from './database';
import { beginSending, campaignOr404, refreshSendCounters } from './campaigns';
import { campaignMail, type Recipient } from './messages';
import { dropWaitingMails, failureKind, sendLimiter, sendNow } from './mailer';

/**
 * A campaign is sent as a durable job. Its recipient rows are the work list; the process holding
 * the campaign's lease (renewed while it works) sends it, one row at a time:
 *   pending ─claim→ sending ─SMTP accepted→ sent   (or failed / back to pending when refused)
 * A row is claimed just before its mail goes and marked just after, so when a process dies only
 * the few mails in flight (at most the concurrency) are left `sending`. Nobody knows whether the
 * server kept those: the next holder records them `ambiguous` and never sends them again (at most
 * once). When the dead holder's lease runs out, the tick (or the next request) resumes the rest.
 */
const PROCESS = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const MAX_ATTEMPTS = 3;
const MAX_PAUSE_MS = 60_000;

/** About two seconds of work per batch at the throttled rate (so a pause or a stop takes effect soon), 200 when unthrottled. */
function batchSize(): number {
  const rate = settings.sendRatePerSecond();
  return rate > 0 ? Math.min(200, Math.max(rate * 2, settings.sendConcurrency() * 2)) : 200;
}

const running = new Map<number, Promise<void>>();
let stopping = false;
let stopHooked = false;

/**
 * On SIGTERM (a scale-down) the sender stops cleanly: no new claim, the mails in flight finish and
 * are marked, the lease is let go so that the next tick anywhere resumes at once. Registered once
 * the database pools exist, so that it runs before they close.
 */
function stopOnShutdown(): void {
  if (stopHooked) return;
  stopHooked = true;
  onShutdown(async () => {
    stopping = true;
    await dropWaitingMails();
    await sendingIdle();
  });
}

/** Sends a campaign in the background of this process (no-op when this process already does). */
export function startSending(id: number): void {
  if (running.has(id)) return;
  const job = runOutsideScope(() => sendCampaign(id))
    .catch((error) => log.error({ err: error, campaign_id: id }, 'campaign sending stopped by an error; resumed after its lease expires'))
    .finally(() => running.delete(id));
  running.set(id, job);
}

/** Resolves when this process has nothing left to send (tests, shutdown). */
export async function sendingIdle(): Promise<void> {
  while (running.size) await Promise.all(running.values());
}

async function takeLease(id: number): Promise<boolean> {
  const rows = await sql.change(
    `UPDATE campaigns SET lease_owner = ?, lease_expires_at = NOW(3) + INTERVAL ? SECOND
     WHERE id = ? AND status = 'sending' AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < NOW(3))`,
    [PROCESS, settings.leaseSeconds(), id, PROCESS],
  );
  return rows === 1;
}

/** Keeps the lease; false when it is lost (cancelled, or another process took over after a stall). */
const renewLease = async (id: number) =>
  (await sql.change(
    "UPDATE campaigns SET lease_expires_at = NOW(3) + INTERVAL ? SECOND WHERE id = ? AND lease_owner = ? AND status = 'sending'",
    [settings.leaseSeconds(), id, PROCESS],
  )) === 1;

const releaseLease = (id: number) => sql.run('UPDATE campaigns SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?', [id, PROCESS]);

async function sendCampaign(id: number): Promise<void> {
  if (stopping || !(await takeLease(id))) return;
  // Holding the lease, nothing else sends this campaign: rows still `sending` were in flight in a sender that died.
  const abandoned = await sql.change(
    "UPDATE newsletter_campaigns SET status = 'ambiguous', error = 'claimed by a sender that stopped before recording the outcome', updated_at = NOW() WHERE campaign_id = ? AND status = 'sending'",
    [id],
  );
  if (abandoned) log.warn({ campaign_id: id, ambiguous: abandoned }, 'campaign resumed: mails in flight when its sender stopped are not sent again');
  const campaign = await campaignOr404(id);
  stopOnShutdown();
  let holding = true;
  const keepGoing = () => holding && !stopping;
  const renewal = setInterval(() => void renewLease(id).then((kept) => (holding &&= kept), () => undefined), (settings.leaseSeconds() * 1000) / 3);
  renewal.unref();
  let done = false;
  let pause = 0;
  try {
    while (keepGoing()) {
      const batch = await sql.select<Recipient & { id: number }>(
        `SELECT id, subscriber_id, email, name, unsubscribe_token FROM newsletter_campaigns WHERE campaign_id = ? AND status = 'pending' ORDER BY id LIMIT ${batchSize()}`,
        [id],
      );
      if (!batch.length) {
        done = true;
        break;
      }
      if (!(await renewLease(id))) break;
      let serverDown = false;
      const settled = await Promise.allSettled(batch.map((row) => sendLimiter().schedule(async (): Promise<Outcome> => {
        if (!keepGoing() || serverDown) return 'skipped';
        const outcome = await sendOne(campaign, row);
        serverDown ||= outcome === 'unavailable';
        return outcome;
      })));
      const outcomes = settled.map((o) => (o.status === 'fulfilled' ? o.value : 'skipped'));
      await refreshSendCounters(id);
      // No SMTP server: wait for one (longer each time, the lease kept), never failing anyone for it.
      pause = outcomes.includes('unavailable') ? Math.min(MAX_PAUSE_MS, pause * 2 || 1000) : outcomes.includes('retry') ? 1000 : 0;
      if (pause) {
        log.warn({ campaign_id: id, retry_in_ms: pause }, 'SMTP server unavailable or refusing for now: campaign paused');
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  } finally {
    clearInterval(renewal);
  }
  if (done && holding) await finish(id);
  else {
    await refreshSendCounters(id);
    if (stopping) await releaseLease(id);
  }
}

type Outcome = 'sent' | 'unavailable' | 'retry' | 'failed' | 'ambiguous' | 'skipped';

async function sendOne(campaign: Campaign, row: Recipient & { id: number }): Promise<Outcome> {
  const claimed = await sql.change(
    "UPDATE newsletter_campaigns SET status = 'sending', claimed_at = NOW(3), attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
    [row.id],
  );
  if (!claimed) return 'skipped';
  const message = campaignMail({ ...campaign.get({ plain: true }), html_content: campaign.html_content ?? '' }, row);
  try {
    await sendNow(message);
  } catch (error) {
    const kind = failureKind(error);
    if (kind === 'unavailable') {
      // Nothing was sent: the row goes back as it was, its attempt not counted.
      await sql.run("UPDATE newsletter_campaigns SET status = 'pending', attempts = attempts - 1, error = ? WHERE id = ?", [String((error as Error).message).slice(0, 1000), row.id]);
      return 'unavailable';
    }
    const [{ attempts }] = await sql.select<{ attempts: number }>('SELECT attempts FROM newsletter_campaigns WHERE id = ?', [row.id]);
    const status = kind === 'retry' ? (attempts < MAX_ATTEMPTS ? 'pending' : 'failed') : kind === 'permanent' ? 'failed' : 'ambiguous';
    await sql.run('UPDATE newsletter_campaigns SET status = ?, error = ?, updated_at = NOW() WHERE id = ?', [status, String((error as Error).message).slice(0, 1000), row.id]);
    log.warn({ err: error, campaign_id: campaign.id, recipient_id: row.id, outcome: status }, 'campaign mail not sent');
    return status === 'pending' ? 'retry' : status;
  }
  await sql.run(
    "UPDATE newsletter_campaigns SET status = 'sent', sent_at = NOW(3), message_id = ?, error = NULL, updated_at = NOW() WHERE id = ? AND status = 'sending'",
    [message.messageId as string, row.id],
  );
  return 'sent';
}

/** Every row has an outcome: the campaign is sent (failed when not one mail went), and says so. */
async function finish(id: number): Promise<void> {
  await db.sequelize.transaction(async (transaction) => {
    const campaign = await campaignOr404(id, transaction, true);
    if (campaign.status !== 'sending' || campaign.lease_owner !== PROCESS) return;
    const [{ open }] = await sql.select<{ open: number }>("SELECT COUNT(*) AS open FROM newsletter_campaigns WHERE campaign_id = ? AND status IN ('pending', 'sending')", [id], transaction);
    if (Number(open) > 0) return;
    await refreshSendCounters(id, transaction);
    await campaign.reload({ transaction });
    const sentAt = new Date();
    const status = campaign.total_recipients > 0 && campaign.sent === 0 ? 'failed' : 'sent';
    await campaign.update({ status, sent_at: sentAt, lease_owner: null, lease_expires_at: null }, { transaction });
    const data: CampaignSent = { id, name: campaign.name, subject: campaign.subject, total_recipients: campaign.total_recipients, sent: campaign.sent, failed: campaign.failed + campaign.ambiguous, sent_at: sentAt.toISOString() };
    await emit(transaction, ENGAGEMENT_EVENTS.campaignSent, id, data);
  });
  await releaseLease(id);
}

/** The tick: scheduled campaigns whose time has come start; campaigns whose sender stopped resume. */
export async function startDueAndAbandoned(): Promise<void> {
  const due = await sql.select<{ id: number }>("SELECT id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= NOW() AND deleted_at IS NULL ORDER BY scheduled_at");
  for (const { id } of due) {
    try {
      await beginSending(id, ['scheduled']);
    } catch (error) {
      log.warn({ err: error, campaign_id: id }, 'scheduled campaign could not start');
      continue;
    }
    startSending(id);
  }
  await resumeAbandoned();
}

export async function resumeAbandoned(): Promise<void> {
  const abandoned = await sql.select<{ id: number }>(
    "SELECT id FROM campaigns WHERE status = 'sending' AND deleted_at IS NULL AND (lease_owner IS NULL OR lease_expires_at < NOW(3))",
  );
  for (const { id } of abandoned) startSending(id);
}

let lastResumeCheck = 0;
/** Called by campaign reads: a process that serves requests also resumes what a dead one left (at most every 5 s). */
export function resumeAbandonedSoon(): void {
  if (Date.now() - lastResumeCheck < 5000) return;
  lastResumeCheck = Date.now();
  void runOutsideScope(() => resumeAbandoned()).catch((error) => log.warn({ err: error }, 'could not look for abandoned campaigns'));
}
