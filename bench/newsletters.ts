/**
 * Campaign send rate against the local SMTP sink (issue 5): the default throttle (Bottleneck,
 * 10 mails/s, concurrency 5) and the throttle lifted (NEWSLETTER_SEND_RATE=0), through the real
 * sender (recipient rows claimed and marked one by one in MariaDB, pooled SMTP with nodemailer).
 * `npx tsc -p . && node dist/bench/newsletters.js`; `benchn_` databases (BENCH_DB_PREFIX), so it
 * runs beside the other benchmarks. BENCH_THROTTLED (default 100) and BENCH_LIFTED (default 5000)
 * mails per run.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';

process.env.DATABASE_PREFIX = process.env.BENCH_DB_PREFIX ?? 'benchn_';
process.env.LOG_LEVEL ??= 'error'; // the outbox has no broker here: its "K_SINK is not set" warnings are expected

const THROTTLED = Number(process.env.BENCH_THROTTLED ?? 100);
const LIFTED = Number(process.env.BENCH_LIFTED ?? 5000);

async function main() {
  const { startSmtpSink } = await import('../scripts/smtp-sink');
  const sink = await startSmtpSink();
  Object.assign(process.env, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.smtpPort), MAIL_FROM: 'Bench <bench@example.com>' });
  const { migrateAndSeed } = await import('../functions/kit/db');
  const { migrationsOf } = await import('../functions/kit/service');
  const { newsletters } = await import('../functions/newsletters');
  const { Campaign, db } = await import('../functions/newsletters/database');
  const { beginSending } = await import('../functions/newsletters/campaigns');
  const { sendingIdle, startSending } = await import('../functions/newsletters/sender');
  const { resetMailer } = await import('../functions/newsletters/mailer');
  const { runShutdownHooks } = await import('../functions/kit/lifecycle');
  await migrateAndSeed('newsletters', migrationsOf(newsletters), newsletters.seeds!);

  async function run(label: string, mails: number, env: Record<string, string>) {
    Object.assign(process.env, env);
    await resetMailer();
    const source = `bench-${randomUUID().slice(0, 8)}`;
    for (let start = 0; start < mails; start += 1000) {
      const rows = Array.from({ length: Math.min(1000, mails - start) }, (_, i) => [`${source}.${start + i}@example.com`, `Reader ${start + i}`, source, randomUUID()]);
      await db.sequelize.query(
        `INSERT INTO newsletters (email, name, status, preferences, source, unsubscribe_token, subscribed_at, created_at, updated_at) VALUES ${rows.map(() => "(?, ?, 'subscribed', '[]', ?, ?, NOW(), NOW(), NOW())").join(', ')}`,
        { replacements: rows.flat(), type: QueryTypes.INSERT },
      );
    }
    const campaign = await Campaign.create({ name: label, subject: 'Hello {{name}}', html_content: '<p>Hello {{name}}</p><p>News of the week.</p>', plain_text: null, template_id: null, scheduled_at: null, created_by: null, targeting: { sources: [source] } });
    sink.clear();
    const started = performance.now();
    await beginSending(campaign.id, ['draft']);
    startSending(campaign.id);
    await sendingIdle();
    const seconds = (performance.now() - started) / 1000;
    const received = sink.messages().length;
    await campaign.reload();
    const unique = new Set(sink.messages().map((m) => m.to[0])).size;
    console.log(`| ${label} | ${mails} | ${seconds.toFixed(2)} s | ${(received / seconds).toFixed(1)} | ${campaign.status}, sent ${campaign.sent}, received ${received} (${unique} distinct) |`);
  }

  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('| throttle | mails | time | mails/s | outcome |\n| --- | ---: | ---: | ---: | --- |');
  await run('default (10/s, concurrency 5)', THROTTLED, { NEWSLETTER_SEND_RATE: '10', NEWSLETTER_SEND_CONCURRENCY: '5' });
  await run('lifted (rate 0, concurrency 5)', LIFTED, { NEWSLETTER_SEND_RATE: '0', NEWSLETTER_SEND_CONCURRENCY: '5' });
  await run('lifted (rate 0, concurrency 20)', LIFTED, { NEWSLETTER_SEND_RATE: '0', NEWSLETTER_SEND_CONCURRENCY: '20' });
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await resetMailer();
  await sink.stop();
  await runShutdownHooks();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
