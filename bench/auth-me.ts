/**
 * GET /me through every layer, against a bare fastify + mysql2 baseline doing the same work,
 * then the cold start of every function. `npm run bench` (see bench/RESULTS.md).
 * BENCH_SECONDS (default 10) and BENCH_WARMUP_SECONDS (default 2) shorten a trial run.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { FUNCTION_NAMES } from '../functions/catalog';
import { runShutdownHooks } from '../functions/kit/lifecycle';
import { startPlatform } from '../scripts/platform';
import { REPO_ROOT } from '../scripts/local-env';
import { childrenOf, cpuSeconds, freePort, processNamed, stopChild, until200 } from './measure';

const OFFSET = 20_000;
const BASELINE_PORT = 28_200; // first port tried
const COLD_START_PORT = 28_300; // first port tried
const COLD_START_ROUNDS = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = 50;

/** A process whose CPU time is charged to the requests of a run. */
type Charged = [label: string, pid: number];

interface Figures {
  name: string;
  /** CPU µs per request of each process taking part (robust to other work on the machine, unlike req/s). */
  cpu: Record<string, number>;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
}

const hostJs = join(REPO_ROOT, 'dist', 'functions', 'host.js');

async function load(name: string, url: string, token: string, charged: Charged[]): Promise<Figures> {
  const headers = { authorization: `Bearer ${token}` };
  if (WARMUP_SECONDS > 0) await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS, headers });
  const processes: Charged[] = [...charged, ['autocannon', process.pid]];
  const before = processes.map(([, pid]) => cpuSeconds(pid));
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  const cpu = Object.fromEntries(processes.map(([label, pid], i) => [label, ((cpuSeconds(pid) - before[i]) * 1e6) / r.requests.total]));
  const figures = { name, cpu, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors + r.timeouts };
  console.log(`  ${name}: ${Math.round(figures.rps)} req/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, 2xx ${figures.ok}, non-2xx ${figures.non2xx}, errors ${figures.errors}`);
  console.log(`    CPU µs per request: ${Object.entries(cpu).map(([label, us]) => `${label} ${us.toFixed(0)}`).join(', ')}`);
  return figures;
}

async function coldStart(name: string, port: number, env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [hostJs], { env: { ...env, FUNCTION_TARGET: name, PORT: String(port) }, stdio: 'ignore' });
  try {
    await until200(`http://127.0.0.1:${port}/health`, child, 5);
    return performance.now() - started;
  } finally {
    await stopChild(child);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ratio = (a: Figures, b: Figures) => `${(a.rps / b.rps).toFixed(2)}×`;

const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main() {
  console.log(`load average before: ${loadAverage()} (other work on these 2 cores skews every figure)`);
  const platform = await startPlatform({ portOffset: OFFSET, databasePrefix: 'bench_', logDir: '.local/bench-logs', env: { RATE_LIMIT_PER_MINUTE: '100000000' } });
  const { urls, env } = platform;
  if (!urls.nginx) throw new Error('nginx is not installed: the Nginx hop cannot be measured');
  const baselinePort = await freePort(BASELINE_PORT);
  const baseline = spawn(process.execPath, [join(__dirname, 'baseline.js')], { env: { ...env, PORT: String(baselinePort) }, stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    const email = `bench-${Date.now()}@example.com`;
    const registered = await fetch(`${urls.auth}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstname: 'Bench', lastname: 'Mark', email, password: 'bench-password-1' }),
    });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
    const { token } = (await registered.json()) as { token: string };
    await until200(`http://127.0.0.1:${baselinePort}/ping`, baseline, 20);

    const children = childrenOf(process.pid);
    const functionPid = (name: string) => children.find((c) => c.command.includes('host.js') && c.env.includes(`FUNCTION_TARGET=${name}`))!.pid;
    const nginxMaster = children.find((c) => c.command.startsWith('nginx'))!.pid;
    const fastify: Charged = ['fastify', baseline.pid!];
    const auth: Charged = ['auth', functionPid('auth')];
    const gateway: Charged = ['gateway', functionPid('gateway')];
    const nginx = childrenOf(nginxMaster).map(({ pid }): Charged => ['nginx', pid]);
    const mysqld: Charged = ['mysqld', processNamed('mariadbd', 'mysqld')!];
    const targets: Array<[string, string, Charged[]]> = [
      ['baseline fastify /ping (load generator ceiling)', `http://127.0.0.1:${baselinePort}/ping`, [fastify]],
      ['baseline fastify + mysql2 /me', `http://127.0.0.1:${baselinePort}/me`, [fastify, mysqld]],
      ['auth function direct /me', `${urls.auth}/me`, [auth, mysqld]],
      ['gateway /api/v1/auth/me', `${urls.gateway}/api/v1/auth/me`, [gateway, auth, mysqld]],
      ['Nginx + gateway /api/v1/auth/me', `${urls.nginx}/api/v1/auth/me`, [...nginx, gateway, auth, mysqld]],
    ];
    // The baseline must answer what auth answers, or it is not the same work.
    const bodies = await Promise.all(targets.slice(1).map(([, url]) => fetch(url, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text())));
    if (new Set(bodies).size !== 1) throw new Error(`the targets answer different bodies:\n${bodies.join('\n')}`);
    console.log(`every /me target answers ${bodies[0]}`);

    console.log(`\nautocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s:`);
    const figures: Figures[] = [];
    for (const [name, url, charged] of targets) figures.push(await load(name, url, token, charged));
    const [, base, direct, viaGateway, viaNginx] = figures;
    console.log('\nratios (req/s):');
    console.log(`  auth direct / fastify baseline:   ${ratio(direct, base)} (target ≥ 0.8×)`);
    console.log(`  gateway / auth direct:            ${ratio(viaGateway, direct)} (target ≥ 0.5×)`);
    console.log(`  Nginx + gateway / auth direct:    ${ratio(viaNginx, direct)} (target ≥ 0.5×)`);
    console.log(`  (CPU per request, fastify process / auth process: ${(base.cpu.fastify / direct.cpu.auth).toFixed(2)}×)`);
    const non2xx = [base, direct, viaGateway, viaNginx].reduce((sum, f) => sum + f.non2xx + f.errors, 0);
    console.log(`  responses that were not 200: ${non2xx}`);

    console.log(`\ncold start (spawn → first 200 on /health, polled every 5 ms), ${COLD_START_ROUNDS} rounds:`);
    const times: Record<string, number[]> = {};
    for (let round = 0; round < COLD_START_ROUNDS; round++) {
      for (const name of FUNCTION_NAMES) (times[name] ??= []).push(await coldStart(name, await freePort(COLD_START_PORT), env));
    }
    for (const name of FUNCTION_NAMES) {
      console.log(`  ${name.padEnd(12)} median ${median(times[name]).toFixed(0)} ms, runs ${times[name].map((t) => t.toFixed(0)).join(' / ')} ms`);
    }
    const worst = Math.max(...Object.values(times).flat());
    const worstMedian = Math.max(...FUNCTION_NAMES.map((name) => median(times[name])));
    console.log(`  max: ${worst.toFixed(0)} ms over all runs, ${worstMedian.toFixed(0)} ms worst median (target ≤ 300 ms)`);
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    await stopChild(baseline);
    await platform.stop();
    await runShutdownHooks(); // the migration's pools in this process
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
