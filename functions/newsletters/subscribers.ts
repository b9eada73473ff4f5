import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { Op, QueryTypes, type Transaction } from 'sequelize';
import { emit, log, notFound } from '../kit';
import { runOutsideScope } from '../kit/context';
import { ENGAGEMENT_EVENTS, type SubscriberSubscribed, type SubscriberUnsubscribed } from '../contracts/engagement';
import { CONFIRMATION_RESEND_MS } from './config';
import { db, Subscriber, type SubscriberDetails, type SubscriberStatus } from './database';
import { confirmationMail } from './messages';
import { sendThrottled } from './mailer';

export const newToken = () => randomBytes(24).toString('base64url');
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** What staff see: everything but the secrets the mails carry. */
export function subscriberJson(s: Subscriber) {
  return {
    id: s.id, email: s.email, name: s.name, phone: s.phone, status: s.status, preferences: s.preferences, source: s.source, user_id: s.user_id,
    subscribed_at: s.subscribed_at, unsubscribed_at: s.unsubscribed_at, bounce_count: s.bounce_count, created_at: s.created_at, updated_at: s.updated_at,
  };
}

/** What anyone who knows an address (or holds a link) is told about it. */
export const publicSubscriberJson = (s: Subscriber) => ({ email: s.email, name: s.name, status: s.status, subscribed_at: s.subscribed_at, unsubscribed_at: s.unsubscribed_at });

export type LeaveReason = SubscriberUnsubscribed['reason'];

/**
 * Moves a subscriber to another status, with the timestamps and tokens that go with it, and tells
 * the other services: `subscribed` on arrival on the list, `unsubscribed` (with why) on leaving it.
 */
export async function changeStatus(subscriber: Subscriber, to: SubscriberStatus, transaction: Transaction, reason?: LeaveReason): Promise<void> {
  const from = subscriber.status;
  if (from === to) return;
  const now = new Date();
  if (to === 'subscribed') subscriber.set({ subscribed_at: now, unsubscribed_at: null, bounce_count: 0 });
  if (to === 'pending') subscriber.set({ confirm_token: newToken(), confirmation_sent_at: null });
  if (to === 'unsubscribed' || to === 'bounced') subscriber.set({ unsubscribed_at: now, confirm_token: null, requested: null });
  subscriber.set({ status: to });
  await subscriber.save({ transaction });
  if (to === 'subscribed') {
    const data: SubscriberSubscribed = { id: subscriber.id, email: subscriber.email, name: subscriber.name, source: subscriber.source, subscribed_at: now.toISOString() };
    await emit(transaction, ENGAGEMENT_EVENTS.subscriberSubscribed, subscriber.id, data);
  } else if (from === 'subscribed') {
    await emitLeft(subscriber, reason ?? (to === 'bounced' ? 'bounced' : 'unsubscribed'), transaction);
  }
}

export async function emitLeft(subscriber: Subscriber, reason: LeaveReason, transaction: Transaction): Promise<void> {
  const data: SubscriberUnsubscribed = { id: subscriber.id, email: subscriber.email, reason, unsubscribed_at: new Date().toISOString() };
  await emit(transaction, ENGAGEMENT_EVENTS.subscriberUnsubscribed, subscriber.id, data);
}

export interface SubscribeRequest {
  email: string;
  name?: string | null;
  phone?: string | null;
  preferences?: string[];
  source?: string | null;
  user_id?: number | null;
}

/** The details a request gives: what it leaves out (or sends as null) is no change. */
const detailsOf = (request: SubscribeRequest): SubscriberDetails =>
  Object.fromEntries(Object.entries({ name: request.name, phone: request.phone, preferences: request.preferences, user_id: request.user_id }).filter(([, v]) => v !== undefined && v !== null));

/** A new address becomes a pending subscriber; false when the address is known (deleted or not). */
async function insertPending(request: SubscribeRequest, transaction: Transaction): Promise<boolean> {
  // The unique e-mail serializes concurrent subscriptions of one address: the loser waits on the row, then finds it.
  const [, inserted] = (await db.sequelize.query(
    `INSERT IGNORE INTO newsletters (email, name, phone, status, preferences, source, user_id, unsubscribe_token, confirm_token, created_at, updated_at)
     VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, NOW(), NOW())`,
    { replacements: [normalizeEmail(request.email), request.name ?? null, request.phone ?? null, JSON.stringify(request.preferences ?? []), request.source ?? null, request.user_id ?? null, newToken(), newToken()], type: QueryTypes.INSERT, transaction },
  )) as unknown as [number, number];
  return inserted === 1;
}

const lockByEmail = async (email: string, transaction: Transaction) =>
  (await Subscriber.findOne({ where: { email: normalizeEmail(email) }, paranoid: false, lock: transaction.LOCK.UPDATE, transaction }))!;

/**
 * A subscription asked for by someone who proved nothing (the public form, a registration's
 * consent). A new address becomes a pending subscriber with the details given. A known one keeps
 * everything it stored, status included: the details wait in `requested` under a new confirmation
 * token, and only the link then mailed to the address applies them (and subscribes again an
 * address that left). At most one mail per address every CONFIRMATION_RESEND_MS: a request inside
 * that window is dropped, as is one that asks a subscribed address for nothing new.
 */
export async function requestSubscription(request: SubscribeRequest, transaction: Transaction): Promise<void> {
  if (await insertPending(request, transaction)) return;
  const subscriber = await lockByEmail(request.email, transaction);
  if ((subscriber.confirmation_sent_at?.getTime() ?? 0) > Date.now() - CONFIRMATION_RESEND_MS) return;
  const requested = detailsOf(request);
  const nothingNew = Object.entries(requested).every(([field, value]) => isDeepStrictEqual(subscriber.get(field), value));
  if (subscriber.status === 'subscribed' && !subscriber.deleted_at && nothingNew) return;
  // Silent: updated_at is the subscriber's, and nothing of theirs changed. A new token retires the links mailed before.
  await subscriber.update({ requested, confirm_token: newToken(), confirmation_sent_at: null }, { transaction, silent: true });
}

/** The link of a confirmation mail: subscribes, with what that request asked for; a deleted subscriber comes back. */
export async function confirmSubscription(token: string, transaction: Transaction): Promise<{ subscriber: Subscriber; already: boolean }> {
  const subscriber = await subscriberByTokenOr404('confirm_token', token, transaction);
  const already = subscriber.status === 'subscribed' && !subscriber.deleted_at && !subscriber.requested;
  if (subscriber.deleted_at) {
    await subscriber.restore({ transaction });
    subscriber.set({ status: 'unsubscribed' });
  }
  subscriber.set({ ...subscriber.requested, requested: null });
  await changeStatus(subscriber, 'subscribed', transaction);
  await subscriber.save({ transaction });
  return { subscriber, already };
}

/**
 * What staff do (bulk import): the details given replace the stored ones; a pending address is
 * mailed its link again (at most every few minutes); one that left, or bounced, starts over as
 * pending. A deleted one comes back.
 */
export async function subscribe(request: SubscribeRequest, transaction: Transaction): Promise<{ subscriber: Subscriber; created: boolean }> {
  const created = await insertPending(request, transaction);
  const subscriber = await lockByEmail(request.email, transaction);
  if (created) return { subscriber, created };
  if (subscriber.deleted_at) {
    await subscriber.restore({ transaction });
    subscriber.set({ status: 'unsubscribed' });
  }
  subscriber.set(detailsOf(request));
  if (subscriber.status === 'unsubscribed' || subscriber.status === 'bounced') await changeStatus(subscriber, 'pending', transaction);
  else if (subscriber.status === 'pending' && (subscriber.confirmation_sent_at?.getTime() ?? 0) < Date.now() - CONFIRMATION_RESEND_MS) subscriber.set({ confirmation_sent_at: null });
  await subscriber.save({ transaction });
  return { subscriber, created };
}

/**
 * Imports a list in chunks: the new addresses with one multi-row INSERT per chunk (a list of
 * 10,000 takes seconds, not minutes), the known ones through `subscribe` (they may come back from
 * unsubscribed). `subscribed` is for consent collected elsewhere: no confirmation mail then.
 */
export async function importSubscribers(entries: Array<Omit<SubscribeRequest, 'source'>>, status: 'pending' | 'subscribed', source: string) {
  const byEmail = new Map(entries.map((entry) => [normalizeEmail(entry.email), entry]));
  const emails = [...byEmail.keys()];
  let created = 0;
  for (let start = 0; start < emails.length; start += IMPORT_CHUNK) {
    const chunk = emails.slice(start, start + IMPORT_CHUNK);
    created += await db.sequelize.transaction(async (transaction) => {
      const known = new Set((await Subscriber.findAll({ where: { email: chunk }, attributes: ['email'], paranoid: false, transaction })).map((s) => s.email));
      const fresh = chunk.filter((email) => !known.has(email));
      let inserted = 0;
      if (fresh.length) {
        const now = new Date();
        const rows = fresh.map((email) => {
          const entry = byEmail.get(email)!;
          return [email, entry.name ?? null, entry.phone ?? null, status, JSON.stringify(entry.preferences ?? []), source, newToken(), status === 'pending' ? newToken() : null, status === 'subscribed' ? now : null, now, now];
        });
        [, inserted] = (await db.sequelize.query(
          `INSERT IGNORE INTO newsletters (email, name, phone, status, preferences, source, unsubscribe_token, confirm_token, subscribed_at, created_at, updated_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          { replacements: rows.flat(), type: QueryTypes.INSERT, transaction },
        )) as unknown as [number, number];
        if (status === 'subscribed') {
          // The rows this INSERT made are the ones with its tokens (a concurrent subscription may have taken an address).
          const tokens = rows.map((row) => row[6] as string);
          for (const subscriber of await Subscriber.findAll({ where: { unsubscribe_token: tokens }, transaction })) {
            await emit(transaction, ENGAGEMENT_EVENTS.subscriberSubscribed, subscriber.id, {
              id: subscriber.id, email: subscriber.email, name: subscriber.name, source: subscriber.source, subscribed_at: now.toISOString(),
            } satisfies SubscriberSubscribed);
          }
        }
      }
      for (const email of known) {
        const { subscriber } = await subscribe({ ...byEmail.get(email)!, email, source }, transaction);
        if (status === 'subscribed' && subscriber.status === 'pending') await changeStatus(subscriber, 'subscribed', transaction);
      }
      return inserted;
    });
  }
  return { created, existing: emails.length - created };
}

const IMPORT_CHUNK = 500;

/** The subscriber a link is for; a confirmation link also finds a deleted one (who asked to come back). */
export async function subscriberByTokenOr404(column: 'confirm_token' | 'unsubscribe_token', token: string, transaction: Transaction): Promise<Subscriber> {
  const subscriber = await Subscriber.findOne({ where: { [column]: token }, paranoid: column === 'unsubscribe_token', lock: transaction.LOCK.UPDATE, transaction });
  if (!subscriber) throw notFound('This link is not valid (or no longer).');
  return subscriber;
}

// ---- confirmation mails: written as "to send" with the subscription, sent after commit ------------

let draining: Promise<void> | undefined;
let again = false;

/**
 * Sends the confirmation mails still to send (subscriptions, imports, registrations). Each row is
 * claimed (its `confirmation_sent_at` set) before its mail goes, so two processes never mail it
 * twice; a mail the server refused is released to be tried at the next tick.
 */
export function sendPendingConfirmations(): Promise<void> {
  if (draining) {
    again = true;
    return draining;
  }
  draining = runOutsideScope(async () => {
    try {
      do {
        again = false;
        while ((await sendConfirmationBatch()) > 0);
      } while (again);
    } catch (error) {
      log.error({ err: error }, 'confirmation mails: drain failed');
    } finally {
      draining = undefined;
    }
  });
  return draining;
}

const BATCH = 50;

async function sendConfirmationBatch(): Promise<number> {
  const claimed = await db.sequelize.transaction(async (transaction) => {
    const rows = await Subscriber.findAll({
      // Pending subscribers, and known addresses (deleted ones too) asked to subscribe again or to change.
      where: { confirmation_sent_at: null, confirm_token: { [Op.ne]: null }, [Op.or]: [{ status: 'pending', deleted_at: null }, { requested: { [Op.ne]: null } }] },
      order: [['id', 'ASC']], limit: BATCH, lock: transaction.LOCK.UPDATE, skipLocked: true, paranoid: false, transaction,
    });
    if (rows.length) await Subscriber.update({ confirmation_sent_at: new Date() }, { where: { id: rows.map((r) => r.id) }, transaction, silent: true, paranoid: false });
    return rows;
  });
  const failed: number[] = [];
  await Promise.all(claimed.map(async (subscriber) => {
    try {
      // Ahead of campaign mails: someone is waiting for this one.
      await sendThrottled(await confirmationMail({ ...subscriber.get({ plain: true }), confirm_token: subscriber.confirm_token! }), 1);
    } catch (error) {
      failed.push(subscriber.id);
      log.warn({ err: error, subscriber_id: subscriber.id }, 'confirmation mail not sent; retried at the next tick');
    }
  }));
  if (failed.length) await Subscriber.update({ confirmation_sent_at: null }, { where: { id: failed }, silent: true, paranoid: false });
  // A refused mail waits for the next tick rather than being tried again at once.
  return failed.length ? 0 : claimed.length;
}
