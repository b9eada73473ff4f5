/**
 * The catalogue's reads and order placement end to end, through Nginx (issue 4).
 * `npx tsc -p . ; node dist/bench/commerce.js` (see bench/RESULTS.md, "Commerce (issue 4)").
 * Offset 30000 and `benchc_` databases, so it runs beside auth-me.ts (offset 20000, `bench_`).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import autocannon from 'autocannon';
import { runShutdownHooks } from '../functions/kit/lifecycle';
import { startPlatform } from '../scripts/platform';
import { childrenOf, cpuSeconds, processNamed, sleep } from './measure';

const OFFSET = Number(process.env.BENCH_OFFSET ?? 30000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = 50;
const PRODUCTS = 10_000;
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 200);
/** Orders placed first, at the same pace, and not counted: JIT, pools and caches warm up. */
const WARMUP_ORDERS = Number(process.env.BENCH_WARMUP_ORDERS ?? 40);
const ORDER_EVERY_MS = 50; // 20 orders/s
/** `orders` skips the catalogue reads (placement only). */
const PARTS = process.env.BENCH_PARTS ?? 'reads,orders';
/** The list run cycles through these pages × sorts (80 distinct queries), one per request. */
const LIST_PAGES = 20;
const LIST_SORTS = ['', 'price_ht', '-price_ht', 'name'];

const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** CPU seconds used so far by each process of the platform (by FUNCTION_TARGET), the broker, Nginx, MariaDB and RabbitMQ. */
function platformCpu(): Record<string, number> {
  const cpu: Record<string, number> = {};
  for (const child of childrenOf(process.pid)) {
    const target = child.env.find((v) => v.startsWith('FUNCTION_TARGET='))?.split('=')[1];
    const name = target ?? (child.command.includes('local-broker') ? 'broker' : child.command.includes('nginx') ? 'nginx' : undefined);
    if (!name) continue;
    try {
      cpu[name] = (cpu[name] ?? 0) + cpuSeconds(child.pid);
      for (const worker of childrenOf(child.pid)) cpu[name] += cpuSeconds(worker.pid);
    } catch {
      // gone meanwhile
    }
  }
  for (const [name, comms] of [['mariadb', ['mariadbd', 'mysqld']], ['rabbitmq', ['beam.smp']]] as const) {
    const pid = processNamed(...comms);
    if (pid) cpu[name] = cpuSeconds(pid);
  }
  return cpu;
}

type Outcome = { type: 'confirmed' | 'cancelled' | 'timed out'; at: number };

/** When each order's order.confirmed or order.cancelled event crosses the broker's exchange (performance.now()). */
async function watchOrderOutcomes(exchange: string) {
  const connection = await amqp.connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  for (const verb of ['confirmed', 'cancelled']) await channel.bindQueue(queue, exchange, '', { type: `ecommerce.orders.order.${verb}`, 'x-match': 'all' });
  const seen = new Map<string, Outcome>();
  const waiting = new Map<string, (outcome: Outcome) => void>();
  await channel.consume(queue, (message) => {
    if (!message) return;
    const headers = message.properties.headers ?? {};
    const outcome: Outcome = { type: String(headers.type).endsWith('confirmed') ? 'confirmed' : 'cancelled', at: performance.now() };
    const order = String(headers.subject);
    if (!seen.has(order)) seen.set(order, outcome);
    waiting.get(order)?.(outcome);
  }, { noAck: true });
  return {
    outcome: (order: string, timeoutMs: number) => new Promise<Outcome>((resolve) => {
      const known = seen.get(order);
      if (known) return resolve(known);
      const timer = setTimeout(() => resolve({ type: 'timed out', at: performance.now() }), timeoutMs);
      waiting.set(order, (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      });
    }),
    close: () => connection.close(),
  };
}

interface Answer {
  status: number;
  body: any;
  text: string;
}

async function main() {
  console.log(`load average before: ${loadAverage()}`);
  const platform = await startPlatform({
    portOffset: OFFSET, databasePrefix: process.env.BENCH_DB_PREFIX ?? 'benchc_', logDir: '.local/bench-commerce-logs', env: { RATE_LIMIT_PER_MINUTE: '100000000', ACCESS_LOG: 'false' },
  });
  try {
    const nginx = platform.urls.nginx;
    if (!nginx) throw new Error('nginx is not installed: the benchmark goes through Nginx');
    // Imported only now: the seed and the signer read DATABASE_PREFIX and the JWT key from process.env, set by startPlatform.
    const { seedBenchProducts } = await import('../functions/products/seed-bench');
    const { signToken } = await import('../functions/kit/jwt');
    const seeded = await seedBenchProducts(PRODUCTS);
    console.log(`seeded ${seeded.inserted} products in ${seeded.ms} ms (first id ${seeded.first_id})`);

    const call = async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${nginx}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      const text = await res.text();
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: res.status, body, text };
    };

    // (1), (2): the catalogue's reads.
    const firstId = seeded.first_id;
    const randomId = () => firstId + Math.floor(Math.random() * seeded.inserted);
    let listed = 0;
    const listPath = () => {
      const n = listed++;
      const sort = LIST_SORTS[Math.floor(n / LIST_PAGES) % LIST_SORTS.length];
      return `/api/v1/products/products?page=${(n % LIST_PAGES) + 1}${sort ? `&sort=${sort}` : ''}`;
    };
    const sample = await call('GET', listPath());
    if (sample.status !== 200 || sample.body?.data?.length !== 15) throw new Error(`the list answered ${sample.status}: ${sample.text.slice(0, 300)}`);
    const one = await call('GET', `/api/v1/products/products/${randomId()}`);
    if (one.status !== 200) throw new Error(`a product answered ${one.status}: ${one.text.slice(0, 300)}`);

    const reads: Array<[string, () => string]> = !PARTS.includes('reads') ? [] : [
      [`GET /api/v1/products/products (15 per page; pages 1-${LIST_PAGES} × sorts id, price_ht, -price_ht, name)`, listPath],
      [`GET /api/v1/products/products/{id} (random id among the ${seeded.inserted} seeded)`, () => `/api/v1/products/products/${randomId()}`],
    ];
    console.log(`\nautocannon through Nginx, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${SECONDS} s:`);
    const readFigures = [];
    for (const [name, path] of reads) {
      const requests = [{ method: 'GET', setupRequest: (request: any) => ({ ...request, path: path() }) }];
      if (WARMUP_SECONDS > 0) await autocannon({ url: nginx, connections: CONNECTIONS, duration: WARMUP_SECONDS, requests });
      const r = await autocannon({ url: nginx, connections: CONNECTIONS, duration: SECONDS, requests });
      const f = { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors + r.timeouts };
      readFigures.push(f);
      console.log(`  ${name}: ${Math.round(f.rps)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, 2xx ${f.ok}, non-2xx ${f.non2xx}, errors ${f.errors}`);
      console.log(`    target ≥ 2000 req/s and p99 ≤ 50 ms: ${f.rps >= 2000 && f.p99 <= 50 ? 'met' : 'NOT met'}`);
    }

    // (3): order placement, prepared first.
    console.log(`\norder placement: preparing ${WARMUP_ORDERS + CUSTOMERS} customers (token, address, basket with 1 unit)...`);
    const login = await call('POST', '/api/v1/auth/login', { body: { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD } });
    if (login.status !== 200) throw new Error(`admin login answered ${login.status}: ${login.text}`);
    const admin = login.body.token as string;
    const vat = (await call('GET', '/api/v1/products/vat')).body.data[0];
    const type = await call('POST', '/api/v1/products/admin/types', { token: admin, body: { name: `Bench order type ${randomUUID().slice(0, 8)}`, vat_id: vat.id } });
    if (type.status !== 201) throw new Error(`type answered ${type.status}: ${type.text}`);
    const product = await call('POST', '/api/v1/products/admin/products', {
      token: admin, body: { name: `Bench order product ${randomUUID().slice(0, 8)}`, ref: `BO-${randomUUID().slice(0, 12)}`, price_ht: '10.00', stock: 1_000_000, type_ids: [type.body.id] },
    });
    if (product.status !== 201) throw new Error(`product answered ${product.status}: ${product.text}`);
    const productId = product.body.id as number;
    const countries = await call('GET', '/api/v1/addresses/countries?per_page=100');
    const france = countries.body.data.find((c: { code: string }) => c.code === 'FR').id as number;

    let nextCustomer = 900_000 + Math.floor(Math.random() * 50_000);
    const prepare = async () => {
      const id = ++nextCustomer;
      const token = signToken({ id, email: `c${id}@example.com`, roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token;
      const address = await call('POST', '/api/v1/addresses/addresses', {
        token, body: { type: 'both', first_name: 'Ada', last_name: 'Lovelace', address_line_1: '1 rue de Rivoli', city: 'Paris', postal_code: '75001', country_id: france },
      });
      if (address.status !== 201) throw new Error(`address answered ${address.status}: ${address.text}`);
      // The basket learns products from events: retry while it does not know this one yet.
      for (let attempt = 0; ; attempt++) {
        const added = await call('POST', '/api/v1/baskets/baskets/items', { token, body: { product_id: productId, quantity: 1 } });
        if (added.status === 200) break;
        if (added.status !== 422 || attempt > 300) throw new Error(`basket answered ${added.status}: ${added.text}`);
        await sleep(100);
      }
      return { token, addressId: address.body.id as number };
    };
    const customers = [await prepare()];
    while (customers.length < WARMUP_ORDERS + CUSTOMERS) customers.push(...(await Promise.all(Array.from({ length: Math.min(10, WARMUP_ORDERS + CUSTOMERS - customers.length) }, prepare))));
    await sleep(1000); // let the preparation's events settle

    // Confirmations are watched on the broker (a queue of our own bound to its exchange), not by
    // polling the API: polling 20 pending orders every few ms is itself most of the load.
    const watcher = await watchOrderOutcomes(`local-${OFFSET}`);
    /** Places one order per customer, one every ORDER_EVERY_MS; each timed from sending create-from-basket to its order.confirmed. */
    const placeWave = async (wave: typeof customers) => {
      const latencies: number[] = [];
      const failures: string[] = [];
      let lastCreated = 0;
      const started = performance.now();
      const place = async ({ token, addressId }: { token: string; addressId: number }) => {
        const sent = performance.now();
        const placed = await call('POST', '/api/v1/orders/orders/create-from-basket', { token, headers: { 'idempotency-key': randomUUID() }, body: { address_id: addressId, payment_method: 'credit_card' } });
        if (placed.status !== 201) return void failures.push(`create ${placed.status}: ${placed.text.slice(0, 200)}`);
        lastCreated = Math.max(lastCreated, performance.now());
        const outcome = await watcher.outcome(String(placed.body.order.id), 30_000);
        if (outcome.type === 'confirmed') latencies.push(outcome.at - sent);
        else failures.push(`order ${placed.body.order.id}: ${outcome.type}`);
      };
      const inFlight: Array<Promise<void>> = [];
      const cpuBefore = platformCpu();
      for (const [i, customer] of wave.entries()) {
        const wait = started + i * ORDER_EVERY_MS - performance.now();
        if (wait > 0) await sleep(wait);
        inFlight.push(place(customer));
      }
      const sendSpan = performance.now() - started;
      await Promise.all(inFlight);
      const cpuAfter = platformCpu();
      const cpuPerOrder = Object.entries(cpuAfter).map(([name, seconds]) => [name, ((seconds - (cpuBefore[name] ?? 0)) * 1000) / wave.length] as const).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
      const created = wave.length - failures.filter((f) => f.startsWith('create')).length;
      return { latencies, failures, sendSpan, created, placedPerSecond: created / ((lastCreated - started) / 1000), cpuPerOrder };
    };
    const warmup = customers.splice(0, WARMUP_ORDERS);
    if (warmup.length) {
      const w = await placeWave(warmup);
      console.log(`warm-up: ${warmup.length} orders at 20/s (not counted): p50 ${percentile(w.latencies, 50)?.toFixed(0)} ms, max ${Math.max(...w.latencies).toFixed(0)} ms`);
      await sleep(1000);
    }
    console.log(`placing ${customers.length} orders, one every ${ORDER_EVERY_MS} ms; each timed from sending create-from-basket to its order.confirmed event on the broker`);
    const r = await placeWave(customers);
    await watcher.close();
    const cpuTotal = r.cpuPerOrder.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`  CPU ms per order, ${cpuTotal.toFixed(1)} in all (MariaDB and RabbitMQ serve the whole machine): ${r.cpuPerOrder.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')}`);
    console.log(`  sent ${customers.length} in ${(r.sendSpan / 1000).toFixed(2)} s (${(customers.length / (r.sendSpan / 1000)).toFixed(1)}/s); created (201) ${r.created}, ${r.placedPerSecond.toFixed(1)} orders placed/s; confirmed ${r.latencies.length}`);
    if (r.failures.length) console.log(`  failures (${r.failures.length}): ${r.failures.slice(0, 5).join(' | ')}`);
    if (r.latencies.length) {
      const [p50, p90, p99] = [50, 90, 99].map((p) => percentile(r.latencies, p));
      console.log(`  placement → confirmed: p50 ${p50.toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${Math.max(...r.latencies).toFixed(0)} ms`);
      console.log(`    target p99 ≤ 200 ms at 20 orders/s: ${p99 <= 200 && r.latencies.length === customers.length && r.placedPerSecond >= 19 ? 'met' : 'NOT met'}`);
    }
    console.log(`\nload average after: ${loadAverage()}`);
  } finally {
    await platform.stop();
    await runShutdownHooks(); // the migration's and the seed's pools in this process
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
