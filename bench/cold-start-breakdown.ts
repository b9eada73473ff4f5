/**
 * Where a function's cold start goes: Node's own start, each package the platform's code requires
 * (time including what that package requires in turn), and the first /health once listening
 * (connections to MySQL and Redis). Then spawn → first 200 for dist/ and, when it has been built
 * (command in bench/RESULTS.md), for a one-file esbuild bundle of the same code.
 * `node dist/bench/cold-start-breakdown.js` after `npm run bench` (for the bench_ databases).
 * Each measurement is a fresh process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runShutdownHooks } from '../functions/kit/lifecycle';
import { LOCAL_DIR, REPO_ROOT, ensureDevKeys } from '../scripts/local-env';
import { status, sleep, stopChild, until200 } from './measure';

const PORT = 28_450;
const ROUNDS = 3;
const TARGETS = ['gateway', 'auth', 'orders', 'websites'];
/** What bundle-entry.ts can serve (see there). */
const BUNDLE_SERVES = ['gateway'];

/** In the child: time the loading of the function, then its first healthy answer. */
async function child(target: string) {
  const boot = performance.now(); // ms since the process started
  const own = new Map<string, number>();
  let schemas = 0;
  let compiling = 0;
  const loader = Module as unknown as { _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown };
  const load = loader._load;
  loader._load = function (request, parent, isMain) {
    const fromPlatform = parent?.filename && !parent.filename.includes('node_modules');
    if (!fromPlatform || request.startsWith('.') || request.startsWith('node:') || Module.builtinModules.includes(request)) return load.call(this, request, parent, isMain);
    const started = performance.now();
    const exports = load.call(this, request, parent, isMain);
    own.set(request, (own.get(request) ?? 0) + performance.now() - started);
    if (request === 'ajv') timeAjvCompile(exports as typeof import('ajv'));
    return exports;
  };
  /** Route schemas are compiled when a service's function is made: time that too. */
  function timeAjvCompile(ajv: typeof import('ajv')) {
    const prototype = ajv.default.prototype as { compile(...args: unknown[]): unknown; timed?: boolean };
    if (prototype.timed) return;
    const compile = prototype.compile;
    prototype.compile = function (...args: unknown[]) {
      const started = performance.now();
      try {
        return compile.apply(this, args);
      } finally {
        schemas++;
        compiling += performance.now() - started;
      }
    };
    prototype.timed = true;
  }
  const { serve } = require('../functions/host') as typeof import('../functions/host');
  serve(target, PORT);
  const loaded = performance.now();
  while ((await status(`http://127.0.0.1:${PORT}/health`)) !== 200) await sleep(2);
  const healthy = performance.now();
  console.log(JSON.stringify({ boot, load: loaded - boot, health: healthy - loaded, schemas, compiling, packages: Object.fromEntries(own) }));
  process.exit(0);
}

async function spawnTo200(script: string, target: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [script], { env: { ...env, FUNCTION_TARGET: target, PORT: String(PORT) }, stdio: 'ignore' });
  try {
    await until200(`http://127.0.0.1:${PORT}/health`, child, 5);
    return performance.now() - started;
  } finally {
    await stopChild(child);
  }
}

async function parent() {
  const env = { ...process.env, DATABASE_PREFIX: 'bench_', PORT_OFFSET: '20000', ...ensureDevKeys(), LOG_LEVEL: 'warn' };
  // /health answers 200 only once a function's database answers: make them on a fresh machine.
  Object.assign(process.env, env);
  const { migrateAll } = await import('../scripts/migrate');
  await migrateAll(TARGETS);
  await runShutdownHooks();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  for (const target of TARGETS) {
    const runs = Array.from({ length: ROUNDS }, () => JSON.parse(execFileSync(process.execPath, [__filename, target], { env: { ...env, FUNCTION_TARGET: target } }).toString()));
    const m = (pick: (run: any) => number) => median(runs.map(pick)).toFixed(0);
    console.log(`${target}: Node start ${m((r) => r.boot)} ms, loading the code ${m((r) => r.load)} ms, first /health ${m((r) => r.health)} ms (medians of ${ROUNDS})`);
    console.log(`    of the loading: Ajv compiling ${runs[0].schemas} route schemas ${m((r) => r.compiling)} ms; packages the platform's code requires (with what they require):`);
    const packages = Object.keys(runs[0].packages).filter((p) => Number(m((r) => r.packages[p] ?? 0)) >= 5);
    for (const p of packages.sort((a, b) => Number(m((r) => r.packages[b])) - Number(m((r) => r.packages[a])))) console.log(`    ${m((r) => r.packages[p]).padStart(4)} ms  ${p}`);
  }
  const bundle = join(LOCAL_DIR, 'bench-bundle', 'host.js');
  const scripts: Array<[string, string]> = [['dist/functions/host.js', join(REPO_ROOT, 'dist', 'functions', 'host.js')]];
  if (existsSync(bundle)) scripts.push(['esbuild bundle', bundle]);
  console.log(`spawn → first 200 on /health (median of ${ROUNDS}):`);
  for (const target of TARGETS) {
    const cells = [];
    for (const [name, script] of scripts.filter(([name]) => BUNDLE_SERVES.includes(target) || name !== 'esbuild bundle')) {
      const times = [];
      for (let i = 0; i < ROUNDS; i++) times.push(await spawnTo200(script, target, env));
      cells.push(`${name} ${median(times).toFixed(0)} ms`);
    }
    console.log(`  ${target}: ${cells.join(', ')}`);
  }
}

if (process.argv[2]) void child(process.argv[2]);
else void parent().then(() => process.exit(0));
