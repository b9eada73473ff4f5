import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryTypes } from 'sequelize';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import { db } from '../../functions/newsletters/database';
import type { Call } from '../helpers/http';
import type { SmtpSink } from '../../scripts/smtp-sink';
import { resetMailer } from '../../functions/newsletters/mailer';
import { eventually } from '../helpers/eventually';
import { freePort, outboxOf, seedSubscribed, sendCampaignTo, sendingIdle, serveNewsletters, tick, tokens, uniqueTag } from './helpers';

const it = suite('newsletters: campaigns, lifecycle, sending');
let url: string;
let call: Call;
let sink: SmtpSink;

it.before(async () => {
  ({ url, call, sink } = await serveNewsletters());
});

const ofCampaign = (id: number) => sink.messages().filter((m) => m.headers['x-campaign-id'] === String(id));
const draft = (body: object = {}) => call('POST', '/campaigns', { token: tokens.admin, body: { name: 'Spring sale', subject: 'Hello {{name}}', html_content: '<p>Hi {{name}}</p>', ...body } });

it('a campaign goes to every subscribed recipient of its audience once, with RFC 8058 headers and a deterministic Message-ID; then sent, emitting campaign.sent', async () => {
  const tag = uniqueTag('audience');
  const emails = await seedSubscribed(3, tag);
  await db.sequelize.query("UPDATE newsletters SET status = 'unsubscribed' WHERE email = ?", { replacements: [emails[2]] });
  const campaign = await sendCampaignTo(call, tag);
  assert.equal([campaign.status, campaign.total_recipients, campaign.sent, campaign.failed], ['sent', 2, 2, 0]);
  assert.ok(campaign.sent_at);
  const mails = ofCampaign(campaign.id);
  assert.equal(mails.map((m) => m.to[0]).sort(), emails.slice(0, 2).sort(), 'the unsubscribed one gets nothing');
  for (const mail of mails) {
    const [token] = (await db.sequelize.query<{ unsubscribe_token: string; id: number }>('SELECT id, unsubscribe_token FROM newsletters WHERE email = ?', { replacements: [mail.to[0]], type: QueryTypes.SELECT }));
    assert.is(mail.headers['list-unsubscribe'], `<${url}/newsletters/unsubscribe/${token.unsubscribe_token}?campaign=${campaign.id}>, <mailto:unsubscribe@shop.test?subject=unsubscribe%20${token.unsubscribe_token}>`);
    assert.is(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    assert.is(mail.message_id, `<campaign-${campaign.id}.subscriber-${token.id}@shop.test>`);
    assert.match(mail.subject, /^News for Reader \d$/);
    assert.ok(mail.html.includes(`${url}/newsletters/unsubscribe/${token.unsubscribe_token}?campaign=${campaign.id}`));
    assert.ok(mail.text.includes('Hello Reader'), 'a plain-text part is made from the HTML');
  }
  const [event] = await outboxOf(ENGAGEMENT_EVENTS.campaignSent, campaign.id);
  assert.equal([event.total_recipients, event.sent, event.failed], [2, 2, 0]);
});

it('only a draft is editable; send answers 202 at once; a second send, an edit or a delete while sending/sent is 409', async () => {
  const created = await draft();
  assert.is(created.status, 201, created.text);
  assert.equal([created.body.status, created.body.total_recipients, created.body.sent], ['draft', 0, 0]);
  const id = created.body.id;
  const edited = await call('PATCH', `/campaigns/${id}`, { token: tokens.admin, body: { subject: 'New subject', targeting: { sources: [uniqueTag('nobody')] } } });
  assert.equal([edited.status, edited.body.subject, edited.body.name], [200, 'New subject', 'Spring sale']);
  const sent = await call('POST', `/campaigns/${id}/send`, { token: tokens.admin });
  assert.equal([sent.status, sent.body.status], [202, 'sending']);
  assert.is((await call('POST', `/campaigns/${id}/send`, { token: tokens.admin })).status, 409);
  assert.is((await call('PUT', `/campaigns/${id}`, { token: tokens.admin, body: { name: 'x' } })).status, 409);
  await sendingIdle();
  const done = await call('GET', `/campaigns/${id}`, { token: tokens.reporter });
  assert.equal([done.body.status, done.body.total_recipients], ['sent', 0], 'an empty audience is sent at once');
  assert.is((await call('PUT', `/campaigns/${id}`, { token: tokens.admin, body: { name: 'x' } })).status, 409);
  assert.is((await call('POST', `/campaigns/${id}/cancel`, { token: tokens.admin })).status, 409);
  assert.is((await call('POST', `/campaigns/${id}/schedule`, { token: tokens.admin, body: { scheduled_at: new Date(Date.now() + 3600_000).toISOString() } })).status, 409);
  assert.is((await call('DELETE', `/campaigns/${id}`, { token: tokens.admin })).status, 204);
  assert.is((await call('GET', `/campaigns/${id}`, { token: tokens.admin })).status, 404);
});

it('bad campaign input is 422 naming the field; no content cannot be sent', async () => {
  for (const [body, field] of [[{ subject: 'x' }, 'name'], [{ name: 'x' }, 'subject'], [{ name: 'x', subject: 'y', template_id: 999999 }, 'template_id'], [{ name: '', subject: 'y' }, 'name'], [{ name: 'x', subject: 'y', targeting: 'everyone' }, 'targeting']] as const) {
    const res = await call('POST', '/campaigns', { token: tokens.admin, body });
    assert.is(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
    assert.ok(res.body.errors[field], res.text);
  }
  const empty = await call('POST', '/campaigns', { token: tokens.admin, body: { name: 'Empty', subject: 'Nothing' } });
  assert.is(empty.status, 201);
  const send = await call('POST', `/campaigns/${empty.body.id}/send`, { token: tokens.admin });
  assert.is(send.status, 422);
  assert.ok(send.body.errors.html_content);
  assert.is((await call('POST', `/campaigns/999999/send`, { token: tokens.admin })).status, 404);
  assert.is((await call('GET', `/campaigns?status=nope`, { token: tokens.admin })).status, 422);
});

it('permissions: reports.view reads campaigns and stats, settings.update writes; customers 403; anonymous 401', async () => {
  const { body } = await draft();
  assert.is((await call('GET', '/campaigns')).status, 401);
  assert.is((await call('GET', '/campaigns', { token: tokens.customer })).status, 403);
  assert.is((await call('GET', '/campaigns', { token: tokens.reporter })).status, 200);
  assert.is((await call('GET', `/campaigns/${body.id}/stats`, { token: tokens.reporter })).status, 200);
  assert.is((await call('GET', `/campaigns/${body.id}/analytics`, { token: tokens.reporter })).status, 200);
  for (const [method, path] of [['POST', '/campaigns'], ['PUT', `/campaigns/${body.id}`], ['DELETE', `/campaigns/${body.id}`], ['POST', `/campaigns/${body.id}/send`], ['POST', `/campaigns/${body.id}/cancel`], ['POST', `/campaigns/${body.id}/duplicate`], ['POST', `/campaigns/${body.id}/test-send`]]) {
    assert.is((await call(method, path, { token: tokens.reporter, body: method === 'DELETE' ? undefined : { name: 'x', subject: 'y' } })).status, 403, `${method} ${path}`);
  }
  assert.is((await call('POST', `/campaigns/${body.id}/duplicate`, { token: tokens.editor })).status, 201);
});

it('schedule: a future date only; the tick starts it when its time comes; cancel stops a scheduled one', async () => {
  const tag = uniqueTag('sched');
  await seedSubscribed(2, tag);
  const { body } = await draft({ targeting: { sources: [tag] } });
  assert.is((await call('POST', `/campaigns/${body.id}/schedule`, { token: tokens.admin, body: { scheduled_at: '2001-01-01T00:00:00Z' } })).status, 422);
  assert.is((await call('POST', `/campaigns/${body.id}/schedule`, { token: tokens.admin, body: { scheduled_at: 'tomorrow' } })).status, 422);
  const scheduled = await call('POST', `/campaigns/${body.id}/schedule`, { token: tokens.admin, body: { scheduled_at: new Date(Date.now() + 3600_000).toISOString() } });
  assert.equal([scheduled.status, scheduled.body.status], [200, 'scheduled']);
  assert.is((await call('PUT', `/campaigns/${body.id}`, { token: tokens.admin, body: { name: 'x' } })).status, 409, 'only a draft is editable');
  await tick(url);
  await sendingIdle();
  assert.is((await call('GET', `/campaigns/${body.id}`, { token: tokens.admin })).body.status, 'scheduled', 'not yet');
  await db.sequelize.query('UPDATE campaigns SET scheduled_at = NOW() - INTERVAL 1 MINUTE WHERE id = ?', { replacements: [body.id] });
  assert.is((await tick(url)).status, 200);
  await eventually(() => call('GET', `/campaigns/${body.id}`, { token: tokens.admin }), (r) => r.body.status === 'sent', 'the scheduled campaign sent');
  assert.is(ofCampaign(body.id).length, 2);

  const laravel = await draft({ html_content: undefined, content: '<p>Older clients say content</p>' });
  assert.is(laravel.body.html_content, '<p>Older clients say content</p>');
  const nextYear = `${new Date().getUTCFullYear() + 1}-06-01 09:30:00`;
  const spaced = await call('POST', `/campaigns/${laravel.body.id}/schedule`, { token: tokens.admin, body: { scheduled_at: nextYear } });
  assert.equal([spaced.status, spaced.body.scheduled_at], [200, `${nextYear.replace(' ', 'T')}.000Z`], 'a Laravel-style date, in UTC');

  const other = await draft({ targeting: { sources: [tag] } });
  await call('POST', `/campaigns/${other.body.id}/schedule`, { token: tokens.admin, body: { scheduled_at: new Date(Date.now() + 3600_000).toISOString() } });
  const cancelled = await call('POST', `/campaigns/${other.body.id}/cancel`, { token: tokens.admin });
  assert.equal([cancelled.status, cancelled.body.status], [200, 'cancelled']);
  await db.sequelize.query('UPDATE campaigns SET scheduled_at = NOW() - INTERVAL 1 MINUTE WHERE id = ?', { replacements: [other.body.id] });
  await tick(url);
  await sendingIdle();
  assert.is(ofCampaign(other.body.id).length, 0);
});

it('no SMTP server: the campaign waits, failing nobody, and goes on when the server is back', async () => {
  const tag = uniqueTag('outage');
  await seedSubscribed(3, tag);
  const { body } = await draft({ targeting: { sources: [tag] } });
  process.env.SMTP_PORT = String(await freePort());
  await resetMailer();
  try {
    assert.is((await call('POST', `/campaigns/${body.id}/send`, { token: tokens.admin })).status, 202);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const waiting = (await call('GET', `/campaigns/${body.id}/stats`, { token: tokens.admin })).body;
    assert.equal([waiting.status, waiting.sent, waiting.failed, waiting.remaining], ['sending', 0, 0, 3]);
    const test = await call('POST', `/campaigns/${body.id}/test-send`, { token: tokens.admin, body: { emails: ['proof@example.com'] } });
    assert.equal([test.status, test.headers['retry-after']], [503, '30'], 'a test send says the server is unreachable');
  } finally {
    process.env.SMTP_PORT = String(sink.smtpPort);
    await resetMailer();
  }
  await eventually(() => call('GET', `/campaigns/${body.id}`, { token: tokens.admin }), (r) => r.body.status === 'sent', 'sent once the server is back', 10_000);
  assert.is(ofCampaign(body.id).length, 3);
});

it('the throttle holds its rate: 10 mails at NEWSLETTER_SEND_RATE=20 take at least 0.45 s', async () => {
  const tag = uniqueTag('paced');
  await seedSubscribed(10, tag);
  process.env.NEWSLETTER_SEND_RATE = '20';
  await resetMailer();
  try {
    const started = Date.now();
    const campaign = await sendCampaignTo(call, tag);
    const times = ofCampaign(campaign.id).map((m) => Date.parse(m.received_at)).sort((x, y) => x - y);
    assert.is(times.length, 10);
    // Sends start 50 ms apart: the tenth cannot arrive sooner than 450 ms after the first could start.
    assert.ok(times[9] - started >= 450, `10 mails within ${times[9] - started} ms`);
  } finally {
    process.env.NEWSLETTER_SEND_RATE = '0';
    await resetMailer();
  }
});

// The throttle is lifted here (helpers.ts: NEWSLETTER_SEND_RATE=0), or 2,000 mails would take 200 s.
it('2,000 subscribers: each mailed exactly once (read from the SMTP sink)', async () => {
  const tag = uniqueTag('big');
  const emails = await seedSubscribed(2000, tag);
  const started = Date.now();
  const campaign = await sendCampaignTo(call, tag);
  const mails = ofCampaign(campaign.id);
  assert.equal([campaign.status, campaign.total_recipients, campaign.sent, mails.length], ['sent', 2000, 2000, 2000], `in ${Date.now() - started} ms`);
  assert.is(new Set(mails.map((m) => m.to[0])).size, 2000);
  assert.is(new Set(mails.map((m) => m.message_id)).size, 2000);
  assert.equal([...new Set(mails.map((m) => m.to[0]))].sort(), [...emails].sort());
  const resend = await call('POST', `/campaigns/${campaign.id}/send`, { token: tokens.admin });
  assert.is(resend.status, 409);
  await sendingIdle();
  assert.is(ofCampaign(campaign.id).length, 2000);
});

it('targeting by preference; test-send mails only the given addresses; duplicate copies as a draft; stats give rates', async () => {
  const tag = uniqueTag('pref');
  const [a, b] = await seedSubscribed(2, tag);
  await db.sequelize.query(`UPDATE newsletters SET preferences = '["offers"]' WHERE email = ?`, { replacements: [a] });
  const campaign = await sendCampaignTo(call, tag, { targeting: { sources: [tag], preferences: ['offers'] } });
  assert.equal(ofCampaign(campaign.id).map((m) => m.to[0]), [a]);
  assert.not.ok(sink.messages(b).length);

  const test = await call('POST', `/campaigns/${campaign.id}/test-send`, { token: tokens.admin, body: { emails: ['proof@example.com'] } });
  assert.equal([test.status, test.body.sent], [200, ['proof@example.com']]);
  const [proof] = sink.messages('proof@example.com').filter((m) => m.headers['x-campaign-id'] === String(campaign.id));
  assert.match(proof.subject, /^\[TEST\] /);
  assert.is((await call('POST', `/campaigns/${campaign.id}/test-send`, { token: tokens.admin, body: {} })).status, 422);
  assert.is((await call('POST', `/campaigns/${campaign.id}/test-send`, { token: tokens.admin, body: { emails: ['nope'] } })).status, 422);
  assert.is((await call('GET', `/campaigns/${campaign.id}`, { token: tokens.admin })).body.sent, 1, 'a test send is not counted');

  const copy = await call('POST', `/campaigns/${campaign.id}/duplicate`, { token: tokens.admin });
  assert.equal([copy.status, copy.body.status, copy.body.sent, copy.body.name, copy.body.targeting], [201, 'draft', 0, `${campaign.name} (copy)`, { sources: [tag], preferences: ['offers'] }]);

  const stats = await call('GET', `/campaigns/${campaign.id}/stats`, { token: tokens.reporter });
  assert.equal([stats.body.total_recipients, stats.body.sent, stats.body.remaining, stats.body.open_rate], [1, 1, 0, 0]);
  const analytics = await call('GET', `/campaigns/${campaign.id}/analytics`, { token: tokens.reporter });
  assert.equal(analytics.body.recipients_by_status, { sent: 1 });
  const recipients = await call('GET', `/campaigns/${campaign.id}/recipients?status=sent&sort=-email`, { token: tokens.reporter });
  assert.equal([recipients.status, recipients.body.total, recipients.body.data.map((r: any) => [r.email, r.status, r.attempts])], [200, 1, [[a, 'sent', 1]]]);
  assert.match(recipients.body.data[0].message_id, new RegExp(`^<campaign-${campaign.id}\\.subscriber-\\d+@shop\\.test>$`));
  assert.is((await call('GET', `/campaigns/${campaign.id}/recipients?status=lost`, { token: tokens.reporter })).status, 422);
  assert.is((await call('GET', `/campaigns/${campaign.id}/recipients?sort=error`, { token: tokens.reporter })).status, 422);
  assert.is((await call('GET', `/campaigns/${campaign.id}/recipients`, { token: tokens.customer })).status, 403);
});

it('templates escape variables: a subscriber named with markup cannot inject it into the HTML part', async () => {
  const tag = uniqueTag('xss');
  await seedSubscribed(1, tag, () => '<script>alert("x")</script> & Co');
  const template = await call('POST', '/templates', { token: tokens.admin, body: { name: 'Weekly', slug: tag, subject: 'Hi {{ name }}', html_content: '<h1>Hello {{name}}</h1><a href="{{unsubscribe_url}}">stop</a>' } });
  assert.is(template.status, 201, template.text);
  assert.equal(template.body.variables, ['name', 'unsubscribe_url']);
  const campaign = await sendCampaignTo(call, tag, { template_id: template.body.id, subject: undefined, html_content: undefined });
  const [mail] = ofCampaign(campaign.id);
  assert.ok(mail.html.includes('<h1>Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</h1>'), mail.html);
  assert.not.ok(mail.html.includes('<script>'));
  assert.is(mail.subject, 'Hi <script>alert("x")</script> & Co', 'the subject is text, not HTML');
});

it.run();
