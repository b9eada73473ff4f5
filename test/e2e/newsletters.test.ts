import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { signWebhook } from '../../functions/newsletters/webhooks';
import type { SinkMessage } from '../../scripts/smtp-sink';
import { adminToken, client, uniqueEmail, type Call } from '../helpers/http';
import { testPlatform } from '../helpers/platform';
import { eventually } from '../helpers/eventually';

/** Subscribers, mails and campaigns through Nginx, the gateway, the broker and real SMTP (the platform's sink). */
const e2e = suite('end to end: newsletters');
let call: Call;
let nginx: string;
let admin: string;
let sinkUrl: string;
let webhookSecret: string;

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

const mailsTo = async (email: string): Promise<SinkMessage[]> => (await fetch(`${sinkUrl}/messages?to=${encodeURIComponent(email)}`)).json() as Promise<SinkMessage[]>;
const mailTo = async (email: string, what: (m: SinkMessage) => boolean = () => true) => (await eventually(() => mailsTo(email), (all) => all.some(what), `a mail to ${email}`)).find(what)!;
const confirmLink = (mail: SinkMessage) => /(http:\/\/\S+\/newsletters\/confirm\/[A-Za-z0-9_-]+)/.exec(mail.text)![1];
const httpUnsubscribeLink = (mail: SinkMessage) => /<(http[^>]+)>/.exec(mail.headers['list-unsubscribe'])![1];

e2e.before(async () => {
  const platform = await testPlatform();
  nginx = platform.urls.nginx;
  // A client address of its own: the foundation suite floods the per-IP limit of sensitive routes (subscribe, register, login).
  call = client(nginx, '127.0.0.5');
  sinkUrl = platform.env.SMTP_SINK_URL;
  webhookSecret = platform.env.EMAIL_WEBHOOK_SECRET;
  admin = await adminToken(call);
});

e2e('subscribe → confirmation mail → confirm link → campaign → mails received → unsubscribe link and one-click POST from the mails', async () => {
  const tag = `e2e-${randomUUID().slice(0, 8)}`;
  const readers = [uniqueEmail('reader-a'), uniqueEmail('reader-b')];
  for (const email of readers) {
    const res = await call('POST', '/api/v1/newsletters/newsletters/subscribe', { body: { email, name: 'Reader', source: tag } });
    assert.equal([res.status, res.body.email], [200, email], res.text);
    const confirmation = await mailTo(email);
    const link = confirmLink(confirmation);
    assert.ok(link.startsWith(`${nginx}/api/v1/newsletters/newsletters/confirm/`), link);
    const confirmed = await fetch(link);
    assert.equal([confirmed.status, ((await confirmed.json()) as { status: string }).status], [200, 'subscribed']);
  }

  const created = await call('POST', '/api/v1/newsletters/campaigns', {
    token: admin, body: { name: `E2E ${tag}`, subject: 'Our news, {{name}}', html_content: '<p>Dear {{name}}</p><p><a href="{{unsubscribe_url}}">Unsubscribe</a></p>', targeting: { sources: [tag] } },
  });
  assert.is(created.status, 201, created.text);
  const id = created.body.id;

  const target = await call('POST', `/api/v1/newsletters/campaigns/${id}/assets/upload-url`, { token: admin, body: { filename: 'banner.png', content_type: 'image/png', size: PNG.length } });
  assert.is(target.status, 200, target.text);
  assert.is((await fetch(target.body.url, { method: 'PUT', headers: target.body.headers, body: PNG })).status, 200);
  const asset = await call('POST', `/api/v1/newsletters/campaigns/${id}/assets`, { token: admin, body: { key: target.body.key, filename: '../banner.png' } });
  assert.equal([asset.status, asset.body.mime_type, asset.body.filename], [201, 'image/png', 'banner.png'], asset.text);
  const svg = '<svg></svg>';
  const fake = await call('POST', `/api/v1/newsletters/campaigns/${id}/assets/upload-url`, { token: admin, body: { filename: 'x.gif', content_type: 'image/gif', size: svg.length } });
  await fetch(fake.body.url, { method: 'PUT', headers: fake.body.headers, body: svg });
  assert.is((await call('POST', `/api/v1/newsletters/campaigns/${id}/assets`, { token: admin, body: { key: fake.body.key } })).status, 422);
  assert.is((await call('POST', `/api/v1/newsletters/campaigns/${id}/assets/upload-url`, { token: admin, body: { filename: 'x.svg', content_type: 'image/svg+xml', size: 10 } })).status, 422);

  const send = await call('POST', `/api/v1/newsletters/campaigns/${id}/send`, { token: admin });
  assert.equal([send.status, send.body.status], [202, 'sending']);
  const mails = await Promise.all(readers.map((email) => mailTo(email, (m) => m.headers['x-campaign-id'] === String(id))));
  for (const mail of mails) {
    assert.is(mail.subject, 'Our news, Reader');
    assert.is(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    assert.match(mail.headers['list-unsubscribe'], /^<http:\/\/127\.0\.0\.1:\d+\/api\/v1\/newsletters\/newsletters\/unsubscribe\/[^>]+>, <mailto:[^>]+>$/);
  }
  await eventually(() => call('GET', `/api/v1/newsletters/campaigns/${id}`, { token: admin }), (r) => r.body.status === 'sent', 'the campaign sent');

  // The link a reader clicks, and the one-click POST a mail client makes (RFC 8058).
  const clicked = await fetch(httpUnsubscribeLink(mails[0]));
  assert.equal([clicked.status, ((await clicked.json()) as { status: string }).status], [200, 'unsubscribed']);
  const oneClick = await fetch(httpUnsubscribeLink(mails[1]), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  assert.equal([oneClick.status, ((await oneClick.json()) as { status: string }).status], [200, 'unsubscribed']);
  const list = await call('GET', `/api/v1/newsletters/newsletters?source=${tag}`, { token: admin });
  assert.equal(list.body.data.map((s: { status: string }) => s.status), ['unsubscribed', 'unsubscribed']);
  const stats = await call('GET', `/api/v1/newsletters/campaigns/${id}/stats`, { token: admin });
  assert.equal([stats.body.total_recipients, stats.body.sent, stats.body.unsubscribed, stats.body.unsubscribe_rate], [2, 2, 2, 100]);

  // A signed delivery report through Nginx; a forged one is refused.
  const raw = JSON.stringify({ timestamp: Math.floor(Date.now() / 1000), message_id: mails[0].message_id });
  const report = (signature: string) => call('POST', '/api/v1/newsletters/webhooks/email-delivered', { raw, headers: { 'content-type': 'application/json', 'x-webhook-signature': signature } });
  assert.is((await report(signWebhook(raw, 'forged'))).status, 401);
  assert.is((await report(signWebhook(raw, webhookSecret))).status, 200);
  assert.is((await call('GET', `/api/v1/newsletters/campaigns/${id}`, { token: admin })).body.delivered, 1);
});

e2e('a customer who registers with newsletter consent gets a confirmation mail (through the broker); aliases and permissions through the gateway', async () => {
  const email = uniqueEmail('consent');
  const registered = await call('POST', '/api/v1/auth/register', { body: { firstname: 'Nora', lastname: 'News', email, password: 'a good password', newsletter: true } });
  assert.is(registered.status, 201, registered.text);
  const confirmation = await mailTo(email);
  const confirmed = await fetch(confirmLink(confirmation));
  assert.is(confirmed.status, 200);
  const stats = await call('GET', '/api/v1/newsletters/stats', { token: admin });
  assert.equal([stats.status, typeof stats.body.subscribed], [200, 'number']);
  assert.is((await call('POST', '/api/v1/newsletters/subscribe', { body: { email: 'broken' } })).status, 422);
  assert.is((await call('GET', '/api/v1/newsletters/newsletters')).status, 401);
  assert.is((await call('GET', '/api/v1/newsletters/newsletters', { token: registered.body.token })).status, 403);
});

e2e.run();
