/**
 * The cost per request of a per-client rate limiter: Bottleneck (as a Group keyed by client with a
 * reservoir refreshed every 60 s, highWater 0 and OVERFLOW, i.e. "run now or drop"), on its local
 * datastore and on Redis, against a Redis fixed window (INCR + EXPIRE in one MULTI) and a Map.
 * The limit is never reached here: this is the price every admitted request pays.
 * `node dist/bench/bottleneck.js` after `npm run build`; Redis at REDIS_URL or 127.0.0.1:6379.
 */
import Bottleneck from 'bottleneck';
import Redis from 'ioredis';
import { perCall } from './measure';

const LIMIT = 1_000_000_000;
const WINDOW_SECONDS = 60;
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

type Check = (client: string) => Promise<unknown>;

function bottleneckGroup(id: string, redis?: Redis) {
  const group = new Bottleneck.Group({
    id,
    reservoir: LIMIT,
    reservoirRefreshAmount: LIMIT,
    reservoirRefreshInterval: WINDOW_SECONDS * 1000,
    highWater: 0,
    strategy: Bottleneck.strategy.OVERFLOW,
    ...(redis && { datastore: 'ioredis', connection: new Bottleneck.IORedisConnection({ client: redis }), clearDatastore: true }),
  });
  const check: Check = (client) => group.key(client).schedule(() => Promise.resolve());
  return { check, close: () => group.disconnect(false) };
}

function redisWindow(redis: Redis): Check {
  return async (client) => {
    const key = `bench:rate:${client}`;
    const results = await redis.multi().incr(key).expire(key, WINDOW_SECONDS, 'NX').exec();
    if (Number(results![0][1]) > LIMIT) throw new Error('Too many requests');
  };
}

function memoryWindow(): Check {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return async (client) => {
    const now = Date.now();
    let window = windows.get(client);
    if (!window || window.resetAt <= now) windows.set(client, (window = { count: 0, resetAt: now + WINDOW_SECONDS * 1000 }));
    if (++window.count > LIMIT) throw new Error('Too many requests');
  };
}

async function main() {
  const redis = new Redis(REDIS_URL);
  const local = bottleneckGroup('bench-local');
  const shared = bottleneckGroup('bench-redis', redis);
  const limiters: Array<[string, Check]> = [
    ['Bottleneck Group, local datastore', local.check],
    ['Bottleneck Group, Redis datastore (ioredis)', shared.check],
    ['Redis INCR + EXPIRE in one MULTI (ioredis)', redisWindow(redis)],
    ['in-memory Map counter', memoryWindow()],
  ];
  const modes: Array<[string, number, (caller: number) => string]> = [
    ['sequential', 1, () => 'user:1'],
    ['50 concurrent, one client', 50, () => 'user:1'],
    ['50 concurrent, 50 clients', 50, (caller) => `user:${caller}`],
  ];
  console.log('µs per request, wall clock / CPU of this process (concurrent wall figures are 1 / throughput; Redis\'s own CPU not counted):');
  console.log(`| limiter | ${modes.map(([name]) => name).join(' | ')} |`);
  console.log(`| --- |${' ---: |'.repeat(modes.length)}`);
  for (const [name, check] of limiters) {
    const cells = [];
    for (const [, concurrency, client] of modes) {
      const { wall, cpu } = await perCall((caller) => check(client(caller)), concurrency);
      cells.push(`${wall.toFixed(1)} / ${cpu.toFixed(1)}`);
    }
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }
  await local.close();
  await shared.close();
  const leftovers = await redis.keys('bench:rate:*');
  if (leftovers.length) await redis.del(...leftovers);
  redis.disconnect();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
