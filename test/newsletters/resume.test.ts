import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { db } from '../../functions/newsletters/database';
import { REPO_ROOT } from '../../scripts/local-env';
import type { Call } from '../helpers/http';
import { client } from '../helpers/http';
import type { SmtpSink } from '../../scripts/smtp-sink';
import { eventually } from '../helpers/eventually';
import { freePort, seedSubscribed, sendingIdle, serveNewsletters, tick, tokens, uniqueTag } from './helpers';

/** A sender killed half-way (SIGKILL) and the campaign resumed by another process: nobody mailed twice. */
const it = suite('newsletters: a campaign survives its sender being killed');
let url: string;
let call: Call;
let sink: SmtpSink;

it.before(async () => {
  ({ url, call, sink } = await serveNewsletters());
});

/** The newsletters function in a process of its own (the built host), sending at 100 mails/s with a 2 s lease. */
async function senderProcess(): Promise<{ child: ChildProcess; call: Call }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'functions', 'host.js')], {
    env: { ...process.env, FUNCTION_TARGET: 'newsletters', PORT: String(port), NEWSLETTER_SEND_RATE: '100', NEWSLETTER_LEASE_SECONDS: '2', ACCESS_LOG: 'false', K_SINK: '' },
    stdio: 'ignore',
  });
  const remote = client(`http://127.0.0.1:${port}`);
  await eventually(() => remote('GET', '/health').catch(() => ({ status: 0 })), (r) => r.status === 200, 'the sender process');
  return { child, call: remote };
}

const recipientStatuses = async (campaignId: number) =>
  db.sequelize.query<{ email: string; status: string }>('SELECT email, status FROM newsletter_campaigns WHERE campaign_id = ?', { replacements: [campaignId], type: QueryTypes.SELECT });

it('killed half-way: the tick resumes once the lease expires; mails in flight are recorded ambiguous and never resent', async () => {
  const tag = uniqueTag('killed');
  const total = 300;
  await seedSubscribed(total, tag);
  const created = await call('POST', '/campaigns', { token: tokens.admin, body: { name: 'Interrupted', subject: 'Hi {{name}}', html_content: '<p>Hi {{name}}</p>', targeting: { sources: [tag] } } });
  const id = created.body.id as number;
  const mailsOf = () => sink.messages().filter((m) => m.headers['x-campaign-id'] === String(id));

  const sender = await senderProcess();
  assert.is((await sender.call('POST', `/campaigns/${id}/send`, { token: tokens.admin })).status, 202);
  await sink.waitFor(() => mailsOf().length >= 100, 20_000);
  sender.child.kill('SIGKILL');
  await new Promise((resolve) => sender.child.once('exit', resolve));
  const atKill = mailsOf().length;
  assert.ok(atKill < total, `killed half-way (${atKill} of ${total} sent)`);
  const inFlight = (await recipientStatuses(id)).filter((r) => r.status === 'sending').length;
  assert.ok(inFlight <= 5, `at most the concurrency in flight (${inFlight})`);

  // Before the lease runs out nobody takes over; after it, the tick resumes.
  await tick(url);
  await sendingIdle();
  assert.is((await call('GET', `/campaigns/${id}`, { token: tokens.admin })).body.status, 'sending');
  await new Promise((resolve) => setTimeout(resolve, 2100));
  await tick(url);
  await eventually(() => call('GET', `/campaigns/${id}`, { token: tokens.admin }), (r) => r.body.status === 'sent', 'the resumed campaign sent');
  await sendingIdle();

  const mails = mailsOf();
  const addresses = mails.map((m) => m.to[0]);
  assert.is(new Set(addresses).size, addresses.length, 'nobody mailed twice');
  const rows = await recipientStatuses(id);
  const sent = rows.filter((r) => r.status === 'sent');
  const ambiguous = rows.filter((r) => r.status === 'ambiguous');
  assert.is(sent.length + ambiguous.length, total);
  assert.is(ambiguous.length, inFlight);
  const received = new Set(addresses);
  assert.ok(sent.every((r) => received.has(r.email)), 'every row marked sent was received');
  const campaign = (await call('GET', `/campaigns/${id}/stats`, { token: tokens.admin })).body;
  assert.equal([campaign.total_recipients, campaign.sent, campaign.ambiguous, campaign.remaining], [total, sent.length, inFlight, 0]);
  assert.ok(mails.length >= sent.length && mails.length <= sent.length + ambiguous.length);
});

it('stopped politely (SIGTERM, a scale-down): mails in flight are marked, the lease let go, the next tick resumes at once with nothing ambiguous', async () => {
  const tag = uniqueTag('termed');
  const total = 200;
  await seedSubscribed(total, tag);
  const created = await call('POST', '/campaigns', { token: tokens.admin, body: { name: 'Scaled down', subject: 'Hi', html_content: '<p>Hi</p>', targeting: { sources: [tag] } } });
  const id = created.body.id as number;
  const mailsOf = () => sink.messages().filter((m) => m.headers['x-campaign-id'] === String(id));
  const sender = await senderProcess();
  assert.is((await sender.call('POST', `/campaigns/${id}/send`, { token: tokens.admin })).status, 202);
  await sink.waitFor(() => mailsOf().length >= 50, 20_000);
  sender.child.kill('SIGTERM');
  await new Promise((resolve) => sender.child.once('exit', resolve));
  const rows = await recipientStatuses(id);
  assert.is(rows.filter((r) => r.status === 'sending').length, 0, 'nothing left in flight');
  assert.is(rows.filter((r) => r.status === 'sent').length, mailsOf().length, 'every mail that went out is marked');
  const [lease] = await db.sequelize.query<{ lease_owner: string | null }>('SELECT lease_owner FROM campaigns WHERE id = ?', { replacements: [id], type: QueryTypes.SELECT });
  assert.is(lease.lease_owner, null);
  await tick(url);
  await eventually(() => call('GET', `/campaigns/${id}`, { token: tokens.admin }), (r) => r.body.status === 'sent', 'the resumed campaign sent');
  await sendingIdle();
  const addresses = mailsOf().map((m) => m.to[0]);
  assert.equal([addresses.length, new Set(addresses).size], [total, total]);
  assert.is((await call('GET', `/campaigns/${id}`, { token: tokens.admin })).body.ambiguous, 0);
});

it('a campaign whose sender vanished is also resumed by the next request that reads campaigns', async () => {
  const tag = uniqueTag('orphan');
  await seedSubscribed(5, tag);
  const created = await call('POST', '/campaigns', { token: tokens.admin, body: { name: 'Orphan', subject: 'Hi', html_content: '<p>Hi</p>', targeting: { sources: [tag] } } });
  const id = created.body.id as number;
  // As a dead process leaves it: sending, recipients materialised, a lease that ran out.
  await db.sequelize.query(
    `INSERT INTO newsletter_campaigns (campaign_id, subscriber_id, email, name, unsubscribe_token, status, created_at, updated_at)
     SELECT ?, id, email, name, unsubscribe_token, 'pending', NOW(), NOW() FROM newsletters WHERE source = ?`, { replacements: [id, tag] },
  );
  await db.sequelize.query("UPDATE campaigns SET status = 'sending', total_recipients = 5, lease_owner = 'gone:1', lease_expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?", { replacements: [id] });
  await eventually(() => call('GET', `/campaigns/${id}`, { token: tokens.reporter }), (r) => r.body.status === 'sent', 'resumed by a read', 15_000);
  assert.is(sink.messages().filter((m) => m.headers['x-campaign-id'] === String(id)).length, 5);
});

it.run();
