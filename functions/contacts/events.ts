import type { ResultSetHeader } from 'mysql2';
import type { Transaction } from 'sequelize';
import type { ReceivedEvent, Subscription } from '../kit';
import { contractData } from '../contracts';
import { EVENTS, type OrderConfirmed } from '../contracts/commerce';
import { ENGAGEMENT_EVENTS, type SubscriberSubscribed, type SubscriberUnsubscribed } from '../contracts/engagement';
import { USER_REGISTERED } from '../auth/events';
import { sql, sqlTime } from './database';
import { normalizeEmail, splitName } from './contacts';
import { upsertContact } from './upsert';

interface UserRegistered { id: number; firstname: string; lastname: string; email: string; newsletter_consent: boolean; created_at: string }

const userRegistered = contractData<UserRegistered>(USER_REGISTERED);
const orderConfirmed = contractData<OrderConfirmed>(EVENTS.orderConfirmed);
const subscriberSubscribed = contractData<SubscriberSubscribed>(ENGAGEMENT_EVENTS.subscriberSubscribed);
const subscriberUnsubscribed = contractData<SubscriberUnsubscribed>(ENGAGEMENT_EVENTS.subscriberUnsubscribed);

async function onUserRegistered(event: ReceivedEvent, transaction: Transaction) {
  const user = userRegistered(event);
  await upsertContact(transaction, user.email, 'api', { first_name: user.firstname, last_name: user.lastname, user_id: user.id });
}

/**
 * A confirmed order counts once (its id is recorded with the contact's purchases, whatever
 * events repeat it): orders + 1, total spent + the order's total in exact decimal arithmetic.
 */
async function onOrderConfirmed(event: ReceivedEvent, transaction: Transaction) {
  const order = orderConfirmed(event);
  const address = order.shipping_address;
  const contactId = await upsertContact(transaction, order.customer_email, 'purchase', {
    first_name: address.first_name, last_name: address.last_name, company: address.company, phone: address.phone?.slice(0, 30) ?? null,
    city: address.city, country: /^[A-Za-z]{2}$/.test(address.country_code) ? address.country_code.toUpperCase() : null, user_id: order.user_id,
  });
  const at = sqlTime(order.confirmed_at);
  const counted = await sql.run<ResultSetHeader>(
    'INSERT IGNORE INTO contact_purchases (order_id, contact_id, amount, confirmed_at) VALUES (?, ?, CAST(? AS DECIMAL(12,2)), ?)',
    [order.id, contactId, order.total_amount_ttc, at], transaction,
  );
  if (!counted.affectedRows) return;
  await sql.run(
    `UPDATE contacts SET total_orders = total_orders + 1, total_spent = total_spent + CAST(? AS DECIMAL(12,2)),
       last_purchase_at = GREATEST(COALESCE(last_purchase_at, ?), ?), last_activity_at = GREATEST(COALESCE(last_activity_at, ?), ?), updated_at = ?
     WHERE id = ?`,
    [order.total_amount_ttc, at, at, at, at, sqlTime(new Date()), contactId], transaction,
  );
}

/**
 * The newsletter flag follows the newsletters service. Subscribed and unsubscribed travel on
 * different Triggers and may arrive out of order: a fact older than the last change is ignored.
 */
async function onSubscribed(event: ReceivedEvent, transaction: Transaction) {
  const subscriber = subscriberSubscribed(event);
  const contactId = await upsertContact(transaction, subscriber.email, 'newsletter_signup', splitName(subscriber.name));
  const at = sqlTime(subscriber.subscribed_at);
  await sql.run(
    `UPDATE contacts SET newsletter_subscribed = 1, subscribed_at = ?, status = IF(status = 'unsubscribed', 'active', status), updated_at = ?
     WHERE id = ? AND (unsubscribed_at IS NULL OR unsubscribed_at <= ?)`,
    [at, sqlTime(new Date()), contactId, at], transaction,
  );
}

async function onUnsubscribed(event: ReceivedEvent, transaction: Transaction) {
  const subscriber = subscriberUnsubscribed(event);
  const at = sqlTime(subscriber.unsubscribed_at);
  // A bounce or a complaint says something about the address itself, not only about the newsletter.
  const status = subscriber.reason === 'bounced' || subscriber.reason === 'complained' ? subscriber.reason : null;
  await sql.run(
    `UPDATE contacts SET newsletter_subscribed = 0, unsubscribed_at = ?, status = IF(? IS NOT NULL AND status = 'active', ?, status), updated_at = ?
     WHERE live_email = ? AND (subscribed_at IS NULL OR subscribed_at <= ?)`,
    [at, status, status, sqlTime(new Date()), normalizeEmail(subscriber.email), at], transaction,
  );
}

export const contactSubscriptions: Subscription[] = [
  { type: USER_REGISTERED, description: 'Makes (or completes) the contact of a new customer (source api).', handler: onUserRegistered },
  { type: EVENTS.orderConfirmed, description: "Counts the purchase on its customer's contact (orders, total spent, last purchase; source purchase when new).", handler: onOrderConfirmed },
  { type: ENGAGEMENT_EVENTS.subscriberSubscribed, description: "Sets the contact's newsletter flag (making the contact when new: source newsletter_signup).", handler: onSubscribed },
  { type: ENGAGEMENT_EVENTS.subscriberUnsubscribed, description: "Clears the contact's newsletter flag (a bounce or complaint also marks its status).", handler: onUnsubscribed },
];
