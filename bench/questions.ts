/**
 * The FAQ search through Nginx and the gateway, with 1,000 published questions (issue 5).
 * `npx tsc -p . ; node dist/bench/questions.js` (see bench/RESULTS.md, "Questions search (issue 5)").
 * Offset 32000 and `benchq_` databases, so it runs beside the other benchmarks. With
 * `QUESTIONS_SEARCH_CACHE_MS=0` every search goes to the database (no reuse of pages).
 */
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { runShutdownHooks } from '../functions/kit/lifecycle';
import { startPlatform } from '../scripts/platform';

const OFFSET = Number(process.env.BENCH_OFFSET ?? 32000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = 50;
const QUESTIONS = 1000;

const WORDS = (
  'order delivery shipping parcel return refund payment card invoice account password address basket coupon discount ' +
  'warranty repair exchange size colour stock product catalogue store pickup express tracking carrier customs tax price ' +
  'subscription newsletter gift voucher loyalty points review rating cancel change email phone support contact opening ' +
  'hours europe abroad international battery charger screen laptop camera kitchen garden furniture sofa mattress lamp ' +
  'assembly instructions manual installation appointment courier signature damaged missing late weekend holiday'
).split(' ');

/** Filler words ("bakor", "tilumi"...): a real FAQ's vocabulary is wide, each topic word is in a few questions only. */
const SYLLABLES = ['ba', 'ko', 'ri', 'tu', 'mi', 'le', 'so', 'na', 'vi', 'de', 'pa', 'lo', 'ge', 'fu', 'ra', 'ni'];
const FILLER = Array.from({ length: 400 }, (_, i) => SYLLABLES[i % 16] + SYLLABLES[Math.floor(i / 16) % 16] + SYLLABLES[(i * 7) % 16] + (i % 3 ? 'r' : 'n'));

/** Deterministic text, so that every run searches the same FAQ: `topics` topic words among `count` words. */
function words(seed: number, count: number, topics: number): string {
  let state = (seed * 2654435761) % 4294967296;
  const pick = (list: string[]) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return list[state % list.length];
  };
  return Array.from({ length: count }, (_, i) => (i < topics ? pick(WORDS) : pick(FILLER))).join(' ');
}

async function seedQuestions(): Promise<number> {
  const { migrateAndSeed } = await import('../functions/kit/db');
  const { migrationsOf } = await import('../functions/kit/service');
  const { questions } = await import('../functions/questions');
  const { db } = await import('../functions/questions/database');
  await migrateAndSeed('questions', migrationsOf(questions), []);
  const [{ count }] = await db.sequelize.query<{ count: number }>('SELECT COUNT(*) AS count FROM questions WHERE is_published = 1 AND deleted_at IS NULL', { type: 'SELECT' as never });
  const missing = QUESTIONS - Number(count);
  for (let start = 0; start < missing; start += 200) {
    const rows = Array.from({ length: Math.min(200, missing - start) }, (_, i) => {
      const n = Number(count) + start + i + 1;
      return [`How does ${words(n, 6, 2)} work?`, `${words(n + 7, 40, 3)}.`, `faq-${n % 10}`, n % 50, `${words(n + 13, 30, 2)}.`];
    });
    await db.sequelize.query(
      `INSERT INTO questions (title, body, category, is_published, position, views, answers_text, created_at, updated_at) VALUES ${rows.map(() => '(?, ?, ?, 1, ?, 0, ?, NOW(), NOW())').join(', ')}`,
      { replacements: rows.flat() },
    );
  }
  return Math.max(0, missing);
}

const QUERIES = {
  'full-text words and prefixes (e.g. "delivery", "refu", "parcel abroad")': ['delivery', 'refu', 'parcel abroad', 'warranty repair', 'shipp', 'password', 'mattress', 'cancel order', 'track', 'gift voucher'],
  'short words through the word-start fallback (e.g. "tv", "5g")': ['tv', 'pc', '5g', 'uk', 'eu'],
};

async function main() {
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const platform = await startPlatform({
    portOffset: OFFSET, databasePrefix: process.env.BENCH_DB_PREFIX ?? 'benchq_', logDir: '.local/bench-questions-logs', env: {
      RATE_LIMIT_PER_MINUTE: '100000000', ACCESS_LOG: 'false',
      // QUESTIONS_SEARCH_CACHE_MS=0 measures every search in the database.
      QUESTIONS_SEARCH_CACHE_MS: process.env.QUESTIONS_SEARCH_CACHE_MS ?? '1000',
    },
  });
  try {
    const nginx = platform.urls.nginx;
    if (!nginx) throw new Error('nginx is not installed: the benchmark goes through Nginx');
    console.log(`seeded ${await seedQuestions()} questions (${QUESTIONS} published in all); search cache ${process.env.QUESTIONS_SEARCH_CACHE_MS ?? '1000'} ms`);
    const sample = await fetch(`${nginx}/api/v1/questions/public/search?q=delivery`);
    const body = (await sample.json()) as { total?: number };
    if (sample.status !== 200 || !body.total) throw new Error(`the search answered ${sample.status}: ${JSON.stringify(body).slice(0, 300)}`);
    console.log(`"delivery" matches ${body.total} questions`);
    console.log(`\nautocannon through Nginx, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s, GET /api/v1/questions/public/search?q=… (15 per page):`);
    for (const [name, queries] of Object.entries(QUERIES)) {
      let next = 0;
      const requests = [{ method: 'GET', setupRequest: (request: any) => ({ ...request, path: `/api/v1/questions/public/search?q=${encodeURIComponent(queries[next++ % queries.length])}` }) }];
      if (WARMUP_SECONDS > 0) await autocannon({ url: nginx, connections: CONNECTIONS, duration: WARMUP_SECONDS, requests });
      const r = await autocannon({ url: nginx, connections: CONNECTIONS, duration: SECONDS, requests });
      console.log(`  ${name}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, 2xx ${r['2xx']}, non-2xx ${r.non2xx}, errors ${r.errors + r.timeouts}`);
    }
    console.log(`\nload average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await platform.stop();
    await runShutdownHooks();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
