import { reply, route, type Route } from '../../kit';
import { db, sql } from '../database';
import { changeStatus, confirmSubscription, normalizeEmail, publicSubscriberJson, requestSubscription, sendPendingConfirmations, subscriberByTokenOr404, type SubscribeRequest } from '../subscribers';

export const subscribeBody = {
  type: 'object',
  required: ['email'],
  properties: {
    email: { type: 'string', format: 'email', maxLength: 191 },
    name: { type: ['string', 'null'], maxLength: 255 },
    phone: { type: ['string', 'null'], maxLength: 30, pattern: '^\\+?[0-9][0-9 ().-]{4,28}[0-9]$' },
    preferences: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } },
    source: { type: ['string', 'null'], maxLength: 50 },
  },
};

/**
 * The same answer whatever the address's state (new, pending, subscribed, left): it tells no one
 * whether an address is known, and changes nothing stored (see `requestSubscription`).
 */
const subscribeRoute = (path: string): Route =>
  route<{}, {}, SubscribeRequest>({
    method: 'POST', path, summary: 'Ask to subscribe (double opt-in): the mailed link confirms, and applies the details given to a known address',
    access: 'public', body: subscribeBody,
    handler: async ({ body }) => {
      await db.sequelize.transaction((transaction) => requestSubscription({ ...body, source: body.source ?? 'website' }, transaction));
      void sendPendingConfirmations();
      return { message: 'Thank you. If this address has something to confirm, a link is on its way to it: please check your inbox.', email: normalizeEmail(body.email) };
    },
  });

const tokenParams = { type: 'object', required: ['token'], properties: { token: { type: 'string', maxLength: 64 } } };
const unsubscribeQuery = { type: 'object', properties: { campaign: { type: 'integer', minimum: 1 } } };

/** Unsubscribes the link's owner; the campaign the link came from counts it once. */
async function unsubscribe(token: string, campaignId: number | undefined) {
  return db.sequelize.transaction(async (transaction) => {
    const subscriber = await subscriberByTokenOr404('unsubscribe_token', token, transaction);
    const already = subscriber.status === 'unsubscribed';
    if (!already) await changeStatus(subscriber, 'unsubscribed', transaction, 'unsubscribed');
    if (campaignId && !already) {
      const counted = await sql.change(
        "UPDATE newsletter_campaigns SET status = 'unsubscribed', unsubscribed_at = NOW(), updated_at = NOW() WHERE campaign_id = ? AND subscriber_id = ? AND unsubscribed_at IS NULL",
        [campaignId, subscriber.id], transaction,
      );
      if (counted) await sql.run('UPDATE campaigns SET unsubscribed = unsubscribed + 1 WHERE id = ?', [campaignId], transaction);
    }
    return { message: already ? 'This address was already unsubscribed.' : 'You are unsubscribed: no more newsletters will be sent to this address.', ...publicSubscriberJson(subscriber) };
  });
}

const unsubscribeRoute = (method: 'GET' | 'POST') =>
  route<{ token: string }, { campaign?: number }>({
    method, path: '/newsletters/unsubscribe/:token',
    summary: method === 'POST' ? 'One-click unsubscribe (RFC 8058: the body List-Unsubscribe=One-Click is not needed)' : 'Unsubscribe from the link in a mail',
    access: 'public', params: tokenParams, query: unsubscribeQuery,
    handler: ({ params, query }) => unsubscribe(params.token, query.campaign),
  });

export const publicRoutes: Route[] = [
  subscribeRoute('/newsletters/subscribe'),
  subscribeRoute('/subscribe'),
  route<{ token: string }>({
    method: 'GET', path: '/newsletters/confirm/:token', summary: 'Confirm a subscription from the mailed link (double opt-in)', access: 'public', params: tokenParams,
    handler: async ({ params }) => {
      const { subscriber, already } = await db.sequelize.transaction((transaction) => confirmSubscription(params.token, transaction));
      return { message: already ? 'Your subscription was already confirmed.' : 'Your subscription is confirmed. Welcome!', ...publicSubscriberJson(subscriber) };
    },
  }),
  unsubscribeRoute('GET'),
  unsubscribeRoute('POST'),
];
