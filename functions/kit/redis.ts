import Redis from 'ioredis';
import { env, redisUrl } from './config';
import { log } from './log';
import { onShutdown } from './lifecycle';

let shared: Redis | undefined;

/** The process's Redis connection, opened on first use and closed at shutdown. */
export function redis(): Redis {
  if (!shared) shared = connectRedis('shared');
  return shared;
}

/** A connection of its own; a blocking one (long reads) is cut at shutdown rather than drained. */
export function connectRedis(purpose: string, { blocking = false } = {}): Redis {
  // A key prefix lets tests (and several platforms) share one Redis without seeing each other's keys.
  const client = new Redis(redisUrl(), { maxRetriesPerRequest: 2, keyPrefix: env('REDIS_KEY_PREFIX', '') });
  let warned = false;
  client.on('error', (error) => {
    if (!warned) log.warn({ err: error, purpose }, 'redis unavailable');
    warned = true;
  });
  client.on('ready', () => (warned = false));
  onShutdown(() => (blocking ? client.disconnect() : client.quit().then(() => undefined, () => client.disconnect())));
  return client;
}
