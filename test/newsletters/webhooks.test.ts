import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import { db, Subscriber } from '../../functions/newsletters/database';
import { signWebhook } from '../../functions/newsletters/webhooks';
import type { Call } from '../helpers/http';
import type { SmtpSink } from '../../scripts/smtp-sink';
import { outboxOf, seedSubscribed, sendCampaignTo, serveNewsletters, tokens, uniqueTag, WEBHOOK_SECRET } from './helpers';

const it = suite('newsletters: signed delivery webhooks');
let call: Call;
let sink: SmtpSink;

it.before(async () => {
  ({ call, sink } = await serveNewsletters());
});

const now = () => Math.floor(Date.now() / 1000);
function report(kind: string, payload: object, options: { secret?: string; signature?: string } = {}) {
  const raw = JSON.stringify({ timestamp: now(), ...payload });
  const signature = options.signature ?? signWebhook(raw, options.secret ?? WEBHOOK_SECRET);
  return call('POST', `/webhooks/email-${kind}`, { raw, headers: { 'content-type': 'application/json', 'x-webhook-signature': `sha256=${signature}` } });
}

async function sentMail(tag = uniqueTag('hook')) {
  const [email] = await seedSubscribed(1, tag);
  const campaign = await sendCampaignTo(call, tag);
  const [mail] = sink.messages(email).filter((m) => m.headers['x-campaign-id'] === String(campaign.id));
  return { campaign, email, messageId: mail.message_id, tag };
}

const campaignOf = async (id: number) => (await call('GET', `/campaigns/${id}/stats`, { token: tokens.admin })).body;

it('delivered, opened, clicked update the recipient and count once per recipient in the campaign; rates follow', async () => {
  const { campaign, messageId, email } = await sentMail();
  for (const kind of ['delivered', 'delivered', 'opened', 'opened', 'clicked']) {
    const res = await report(kind, { message_id: messageId });
    assert.equal([res.status, res.body.status], [200, 'applied'], `${kind}: ${res.text}`);
  }
  const stats = await campaignOf(campaign.id);
  assert.equal([stats.delivered, stats.opened, stats.clicked, stats.open_rate, stats.click_rate], [1, 1, 1, 100, 100]);
  const analytics = (await call('GET', `/campaigns/${campaign.id}/analytics`, { token: tokens.admin })).body;
  assert.equal([analytics.total_opens, analytics.total_clicks, analytics.recipients_by_status], [2, 1, { clicked: 1 }]);
  assert.is(analytics.opens_by_hour.length, 1);
  const late = await report('delivered', { campaign_id: campaign.id, email });
  assert.is(late.status, 200, 'a recipient can also be named by campaign and e-mail');
  assert.equal((await call('GET', `/campaigns/${campaign.id}/analytics`, { token: tokens.admin })).body.recipients_by_status, { clicked: 1 }, 'engagement never moves back');
});

it('a report on a mail recorded ambiguous (its sender died before marking it) proves it went out: counted sent', async () => {
  const { campaign, email } = await sentMail();
  await db.sequelize.query("UPDATE newsletter_campaigns SET status = 'ambiguous', sent_at = NULL WHERE campaign_id = ?", { replacements: [campaign.id] });
  await db.sequelize.query('UPDATE campaigns SET sent = 0, ambiguous = 1 WHERE id = ?', { replacements: [campaign.id] });
  assert.is((await report('delivered', { campaign_id: campaign.id, email })).status, 200);
  const stats = await campaignOf(campaign.id);
  assert.equal([stats.sent, stats.ambiguous, stats.delivered], [1, 0, 1]);
});

it('a bad, missing or foreign signature is 401; a stale timestamp 401; a replayed event id changes nothing', async () => {
  const { campaign, messageId } = await sentMail();
  const raw = JSON.stringify({ timestamp: now(), message_id: messageId });
  const post = (headers: Record<string, string>, body = raw) => call('POST', '/webhooks/email-opened', { raw: body, headers: { 'content-type': 'application/json', ...headers } });
  assert.is((await post({})).status, 401);
  assert.is((await post({ 'x-webhook-signature': 'sha256=00' })).status, 401);
  assert.is((await post({ 'x-webhook-signature': 'not hex at all' })).status, 401);
  assert.is((await report('opened', { message_id: messageId }, { secret: 'someone else' })).status, 401);
  const tampered = JSON.stringify({ timestamp: now(), message_id: messageId, event_id: 'x' });
  assert.is((await post({ 'x-webhook-signature': signWebhook(raw, WEBHOOK_SECRET) }, tampered)).status, 401, 'the signature covers the exact body');
  assert.is((await report('opened', { message_id: messageId, timestamp: now() - 3600 })).status, 401);
  assert.is((await report('opened', { message_id: messageId, timestamp: new Date(Date.now() - 3600_000).toISOString() })).status, 401);
  assert.is((await campaignOf(campaign.id)).opened, 0, 'nothing refused was applied');

  const eventId = randomUUID();
  assert.is((await report('opened', { message_id: messageId, event_id: eventId })).body.status, 'applied');
  assert.is((await report('opened', { message_id: messageId, event_id: eventId })).body.status, 'duplicate');
  assert.is((await call('GET', `/campaigns/${campaign.id}/analytics`, { token: tokens.admin })).body.total_opens, 1);
});

it('a well-signed report with bad content is 4xx: no recipient named 422, unknown mail 404, malformed JSON 400', async () => {
  assert.is((await report('delivered', {})).status, 422);
  assert.is((await report('delivered', { timestamp: 'yesterday', message_id: '<x@y>' })).status, 422);
  assert.is((await report('delivered', { message_id: '<campaign-0.subscriber-0@nowhere>' })).status, 404);
  const raw = '{"timestamp":';
  const res = await call('POST', '/webhooks/email-delivered', { raw, headers: { 'content-type': 'application/json', 'x-webhook-signature': signWebhook(raw, WEBHOOK_SECRET) } });
  assert.is(res.status, 400);
  assert.is((await call('POST', '/webhooks/email-exploded', { raw: '{}' })).status, 404);
});

it('three bounces mark the subscriber bounced and emit unsubscribed (bounced); a complaint unsubscribes (complained)', async () => {
  const tag = uniqueTag('bouncy');
  const [email] = await seedSubscribed(1, tag);
  for (let i = 1; i <= 3; i++) {
    const campaign = await sendCampaignTo(call, tag);
    const [mail] = sink.messages(email).filter((m) => m.headers['x-campaign-id'] === String(campaign.id));
    assert.is((await report('bounced', { message_id: mail.message_id })).status, 200);
    assert.is((await report('bounced', { message_id: mail.message_id })).status, 200, 'the same bounce reported twice counts once');
    assert.is((await campaignOf(campaign.id)).bounced, 1);
    const subscriber = (await Subscriber.findOne({ where: { email } }))!;
    assert.equal([subscriber.bounce_count, subscriber.status], [i, i < 3 ? 'subscribed' : 'bounced']);
  }
  const subscriber = (await Subscriber.findOne({ where: { email } }))!;
  assert.equal((await outboxOf(ENGAGEMENT_EVENTS.subscriberUnsubscribed, subscriber.id)).map((e) => e.reason), ['bounced']);
  const after = await sendCampaignTo(call, tag);
  assert.is(after.total_recipients, 0, 'a bounced address is mailed no more');

  const { campaign, messageId, email: complainer } = await sentMail();
  assert.is((await report('complained', { message_id: messageId })).status, 200);
  const left = (await Subscriber.findOne({ where: { email: complainer } }))!;
  assert.is(left.status, 'unsubscribed');
  assert.equal((await outboxOf(ENGAGEMENT_EVENTS.subscriberUnsubscribed, left.id)).map((e) => e.reason), ['complained']);
  assert.is((await campaignOf(campaign.id)).complained, 1);
});

it.run();
