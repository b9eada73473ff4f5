/**
 * Where auth's GET /me spends its time (`node dist/bench/auth-me-breakdown.js`, after `npm run
 * build`; uses the `bench_auth` database, made here if missing). Four parts:
 * 1. the auth function alone under autocannon: as it is, without access logs, with `loadUser`
 *    swapped for one prepared statement (what-if-auth.ts), and a route that goes through the whole
 *    kit but does no JWT and no query (the kit's floor);
 * 2. the gateway in front of the fastest what-if auth: what the hop costs once auth is not the
 *    limit, with a CPU profile of the gateway (self time by package, module loading left out);
 * 3. the same profile of auth's /me as it is;
 * 4. the pieces in this process: token verification, Sequelize `loadUser`, the same SQL raw.
 * Req/s move with whatever else runs on the machine; CPU µs per request of each process much less.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import mysql from 'mysql2/promise';
import { LOCAL_DIR, REPO_ROOT, ensureDevKeys } from '../scripts/local-env';
import { cpuSeconds, perCall, processNamed, stopChild, until200 } from './measure';
import { USER_WITH_GRANTS, poolOptions } from './user-sql';

const AUTH_PORT = 28_400;
const GATEWAY_PORT = 28_410;
const PROFILE_DIR = join(LOCAL_DIR, 'bench-prof');
const HOST = join(REPO_ROOT, 'dist', 'functions', 'host.js');
const WHAT_IF = join(__dirname, 'what-if-auth.js');
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  DATABASE_PREFIX: 'bench_',
  PORT_OFFSET: '20000',
  RATE_LIMIT_PER_MINUTE: '100000000',
  SERVICE_URL_AUTH: `http://127.0.0.1:${AUTH_PORT}`,
  ...ensureDevKeys(),
};
const mysqld = processNamed('mariadbd', 'mysqld')!;

interface Running {
  url: string;
  pid: number;
}

interface FunctionOptions {
  target?: 'auth' | 'gateway';
  script?: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
}

/** A function in a process of its own while `work` runs; its stdout is drained here, as the platform does. */
async function withFunction<T>(options: FunctionOptions, work: (running: Running) => Promise<T>): Promise<T> {
  const { target = 'auth', script = HOST, nodeArgs = [] } = options;
  const port = target === 'auth' ? AUTH_PORT : GATEWAY_PORT;
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...env, ...options.env, FUNCTION_TARGET: target, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logFile = createWriteStream(join(LOCAL_DIR, 'bench-logs', `${target}-breakdown.log`), { flags: 'a' });
  child.stdout!.pipe(logFile);
  child.stderr!.pipe(logFile);
  try {
    const url = `http://127.0.0.1:${port}`;
    await until200(`${url}/health`, child, 20);
    return await work({ url, pid: child.pid! });
  } finally {
    await stopChild(child);
  }
}

/** req/s, latency, and CPU µs per request of each process taking part. */
async function rps(name: string, url: string, processes: Array<[string, number]>, options: { headers?: Record<string, string>; method?: string; body?: string }) {
  const charged: Array<[string, number]> = [...processes, ['mysqld', mysqld]];
  await autocannon({ url, connections: 50, duration: 2, ...options });
  const before = charged.map(([, pid]) => cpuSeconds(pid));
  const r = await autocannon({ url, connections: 50, duration: 10, ...options });
  const cpu = charged.map(([label, pid], i) => `${label} ${(((cpuSeconds(pid) - before[i]) * 1e6) / r.requests.total).toFixed(0)}`);
  console.log(`  ${name}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx + r.errors}`);
  console.log(`      CPU µs per request: ${cpu.join(', ')}`);
}

/**
 * Self time per package, module loading left out. A frame of Node itself (a write, a signature
 * check, a stream) counts for the nearest package on its stack: the one that asked for it.
 */
function profileByPackage(file: string): Array<[string, number]> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string }; children?: number[] }>;
    samples: number[];
    timeDeltas: number[];
  };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const packageOf = (url: string) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/dist/') ? 'platform code (kit, service, gateway)' : undefined);
  const bucket = (id: number): string | undefined => {
    const own = nodes.get(id)!.callFrame.functionName;
    if (['(garbage collector)', '(idle)', '(program)'].includes(own)) return own;
    let label: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = nodes.get(at)!.callFrame;
      if (frame.functionName === 'Module._load') return undefined; // start-up
      label ??= packageOf(frame.url);
    }
    return label ?? 'node core only (http server, sockets, event loop)';
  };
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const label = bucket(id);
    if (!label) return;
    totals.set(label, (totals.get(label) ?? 0) + profile.timeDeltas[i]);
    all += profile.timeDeltas[i];
  });
  return [...totals].map(([label, us]): [string, number] => [label, us / all]).sort((a, b) => b[1] - a[1]);
}

function printProfile(directory: string, lines: number) {
  const file = join(directory, readdirSync(directory).find((f) => f.endsWith('.cpuprofile'))!);
  for (const [label, share] of profileByPackage(file).slice(0, lines)) console.log(`    ${(share * 100).toFixed(1).padStart(5)} %  ${label}`);
  console.log(`    (${file}: open it in Chrome DevTools for the call tree)`);
}

async function main() {
  mkdirSync(join(LOCAL_DIR, 'bench-logs'), { recursive: true });
  Object.assign(process.env, env);
  const { migrateAll } = await import('../scripts/migrate');
  await migrateAll(['auth']);

  const { token, user } = await withFunction({}, async ({ url }) => {
    const response = await fetch(`${url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstname: 'Bench', lastname: 'Breakdown', email: `breakdown-${Date.now()}@example.com`, password: 'bench-password-1' }),
    });
    return (await response.json()) as { user: { id: number }; token: string };
  });
  const bearer = { headers: { authorization: `Bearer ${token}` } };
  const me = (url: string) => fetch(`${url}/me`, bearer).then((r) => r.text());

  console.log('1. the auth function alone (autocannon, 50 connections, 2 s warm-up then 10 s):');
  const expected = await withFunction({}, async ({ url, pid }) => {
    await rps('GET /me as it is (access log on)', `${url}/me`, [['auth', pid]], bearer);
    return me(url);
  });
  await withFunction({ env: { ACCESS_LOG: 'false' } }, ({ url, pid }) => rps('GET /me, ACCESS_LOG=false', `${url}/me`, [['auth', pid]], bearer));
  for (const pool of ['sequelize', 'mysql2']) {
    await withFunction({ script: WHAT_IF, env: { WHAT_IF_POOL: pool } }, async ({ url, pid }) => {
      if ((await me(url)) !== expected) throw new Error(`the what-if answers ${await me(url)}, auth answers ${expected}`);
      await rps(`what-if: GET /me, loadUser as one prepared statement on ${pool === 'mysql2' ? 'a mysql2 pool' : "Sequelize's pool"}`, `${url}/me`, [['auth', pid]], bearer);
    });
  }
  await withFunction({ env: { ACCESS_LOG: 'false' } }, ({ url, pid }) =>
    rps('POST /validate-token {} (the kit only: routing, Ajv, JSON; no JWT, no DB), ACCESS_LOG=false', `${url}/validate-token`, [['auth', pid]], {
      method: 'POST', body: '{}', headers: { 'content-type': 'application/json' },
    }),
  );

  console.log('\n2. the gateway in front of the fastest what-if auth (mysql2 pool), so that auth is not the limit:');
  await withFunction({ script: WHAT_IF, env: { WHAT_IF_POOL: 'mysql2' } }, async (auth) => {
    await rps('what-if auth direct /me', `${auth.url}/me`, [['auth', auth.pid]], bearer);
    await withFunction({ target: 'gateway' }, (gateway) =>
      rps('gateway /api/v1/auth/me → what-if auth', `${gateway.url}/api/v1/auth/me`, [['gateway', gateway.pid], ['auth', auth.pid]], bearer),
    );
    const profiles = join(PROFILE_DIR, 'gateway');
    rmSync(profiles, { recursive: true, force: true });
    await withFunction({ target: 'gateway', nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profiles}`] }, (gateway) =>
      rps('the same, gateway under --cpu-prof', `${gateway.url}/api/v1/auth/me`, [['gateway', gateway.pid], ['auth', auth.pid]], bearer),
    );
    printProfile(profiles, 10);
  });

  console.log("\n3. CPU profile of GET /me as it is, under the same load; self time by package (Node's own work counted for the package that asked for it):");
  const profiles = join(PROFILE_DIR, 'auth');
  rmSync(profiles, { recursive: true, force: true });
  await withFunction({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profiles}`] }, ({ url, pid }) => rps('GET /me under --cpu-prof', `${url}/me`, [['auth', pid]], bearer));
  printProfile(profiles, 14);

  console.log('\n4. the pieces, in this process (µs per call, wall and this process\'s CPU; "×50" = 50 callers at once, amortized):');
  const { verifyToken } = await import('../functions/kit/jwt');
  const { loadUser, grantsInclude } = await import('../functions/auth/users');
  const { db } = await import('../functions/auth/database');
  const { QueryTypes } = await import('sequelize');
  const pool = mysql.createPool(poolOptions('auth'));
  await db.models.User.findByPk(user.id, { include: grantsInclude(), logging: (sql: string) => console.log(`  Sequelize's query for loadUser: ${sql}`) });
  const pieces: Array<[string, () => unknown, number[]]> = [
    ['verifyToken (kit, RS256, KeyObject)', () => verifyToken(token), [1]],
    ['loadUser: Sequelize findByPk + includes', () => loadUser(user.id), [1, 50]],
    ['same SQL through Sequelize, raw (bind → prepared)', () => db.sequelize.query(USER_WITH_GRANTS.replace('?', '$1'), { bind: [user.id], type: QueryTypes.SELECT }), [1, 50]],
    ['same SQL through mysql2 pool.execute', () => pool.execute(USER_WITH_GRANTS, [user.id]), [1, 50]],
  ];
  for (const [name, fn, concurrencies] of pieces) {
    const figures = [];
    for (const concurrency of concurrencies) {
      const { wall, cpu } = await perCall(fn, concurrency);
      figures.push(`×${concurrency}: ${wall.toFixed(0)} µs wall, ${cpu.toFixed(0)} µs CPU`);
    }
    console.log(`  ${name}: ${figures.join('; ')}`);
  }
  await pool.end();
}

main().then(
  async () => {
    const { runShutdownHooks } = await import('../functions/kit/lifecycle');
    await runShutdownHooks();
    process.exit(0);
  },
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
