import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import Bottleneck from 'bottleneck';
import { throttleSettings } from '../../functions/newsletters/mailer';

/** The send throttle is the provider's budget: two replicas sending at once share it through Redis. */
const it = suite('newsletters: the send throttle across replicas');

const saved = { ...process.env };
it.after.each(() => {
  for (const name of ['REDIS_URL', 'REDIS_KEY_PREFIX', 'NEWSLETTER_SEND_RATE']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** Milliseconds two limiters ("replicas") made from the settings take to send `each` mails apiece. */
async function twoReplicasSend(each: number): Promise<number> {
  const replicas = [new Bottleneck(throttleSettings()), new Bottleneck(throttleSettings())];
  await Promise.all(replicas.map((replica) => replica.ready()));
  const started = Date.now();
  await Promise.all(replicas.flatMap((replica) => Array.from({ length: each }, () => replica.schedule(async () => undefined))));
  const elapsed = Date.now() - started;
  await Promise.all(replicas.map((replica) => replica.disconnect()));
  return elapsed;
}

it('at 20 mails/s, two replicas sending 10 each take about a second with Redis, half that each on their own', async () => {
  process.env.NEWSLETTER_SEND_RATE = '20';
  const alone = await twoReplicasSend(10);
  process.env.REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.REDIS_KEY_PREFIX = `test-throttle-${randomUUID()}:`;
  const shared = await twoReplicasSend(10);
  assert.ok(alone < 700, `without Redis each replica has the whole rate (${alone} ms)`);
  assert.ok(shared >= 850, `with Redis 20 mails at 20/s take at least 19 × 50 ms (${shared} ms)`);
});

it.run();
