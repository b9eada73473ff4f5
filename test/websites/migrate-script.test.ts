import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { QueryTypes, Sequelize } from 'sequelize';
import { databaseUrl } from '../../functions/kit/config';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import { REPO_ROOT } from '../../scripts/local-env';
import { TEST_ENV } from '../helpers/env';
import { dropDatabase } from '../helpers/databases';

/**
 * `node dist/scripts/migrate.js websites` as the migration Job (or compose's `migrations`) runs it,
 * on a database of its own that starts empty: the seeded default site, its event sent to K_SINK
 * before the process exits, and a bad SITE_DOMAIN failing the run.
 */
const it = suite('websites: the migration script on a fresh installation');
const PREFIX = `${TEST_ENV.DATABASE_PREFIX}fresh_`;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
// The broker answers slowly: the script must wait for its answer before it closes its pools and exits.
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => setTimeout(() => {
    received.push({ headers: req.headers, body });
    res.writeHead(202).end();
  }, 500));
});

const withPrefix = <T>(work: () => Promise<T>) => {
  process.env.DATABASE_PREFIX = PREFIX;
  return work().finally(() => (process.env.DATABASE_PREFIX = TEST_ENV.DATABASE_PREFIX));
};

async function migrate(env: Record<string, string>) {
  const { port } = sink.address() as AddressInfo;
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'migrate.ts'), 'websites'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_PREFIX: PREFIX, K_SINK: `http://127.0.0.1:${port}/`, LOG_LEVEL: 'info', ...env },
  });
  return run.then(({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }), (error) => ({ code: error.code as number, output: `${error.stdout}${error.stderr}` }));
}

async function query<T extends object>(sql: string): Promise<T[]> {
  const sequelize = new Sequelize(await withPrefix(async () => databaseUrl('websites')), { dialect: 'mysql', logging: false });
  try {
    return await sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  } finally {
    await sequelize.close();
  }
}

it.before(async () => {
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
});
it.after(async () => {
  await withPrefix(() => dropDatabase('websites'));
  sink.close();
});

it('seeds SITE_NAME on SITE_DOMAIN as the default site and sends its website.updated to K_SINK before exiting', async () => {
  await withPrefix(() => dropDatabase('websites'));
  const run = await migrate({ SITE_NAME: 'Boutique', SITE_DOMAIN: 'Shop.Example.COM' });
  assert.is(run.code, 0, run.output);
  const sites = await query<{ id: number; name: string; domain: string; is_default: number; is_active: number }>('SELECT id, name, domain, is_default, is_active FROM websites');
  assert.equal(sites.map((s) => [s.name, s.domain, Number(s.is_default), Number(s.is_active)]), [['Boutique', 'shop.example.com', 1, 1]]);
  assert.is(received.length, 1, 'one event sent');
  const [{ headers, body }] = received;
  assert.is(headers['ce-type'], ENGAGEMENT_EVENTS.websiteUpdated);
  const data = JSON.parse(body);
  assert.equal([data.id, data.name, data.domain, data.is_default, data.deleted, data.settings.shipping_costs.standard], [sites[0].id, 'Boutique', 'shop.example.com', true, false, '5.90']);
  const outbox = await query<{ sent_at: Date | null }>('SELECT sent_at FROM outbox_events');
  assert.is(outbox.length, 1);
  assert.ok(outbox[0].sent_at, 'marked sent: the drain will not send it again');
  const again = await migrate({ SITE_DOMAIN: 'other.example.com' });
  assert.is(again.code, 0, again.output);
  assert.is((await query('SELECT id FROM websites')).length, 1, 'the seed ran once');
});

it('a bad SITE_DOMAIN fails the migration with a message naming it', async () => {
  await withPrefix(() => dropDatabase('websites'));
  const run = await migrate({ SITE_DOMAIN: 'https://shop.example.com/' });
  assert.is(run.code, 1);
  assert.match(run.output, 'SITE_DOMAIN "https://shop.example.com/" is not a host name');
  assert.equal(await query('SELECT id FROM websites'), []);
});

it.run();
