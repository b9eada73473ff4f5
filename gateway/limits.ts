import { env, envInt, type ServiceName } from '../functions/kit/config';
import { tooManyRequests } from '../functions/kit/errors';
import { memoryCounters, redisCounters, type WindowCounters } from '../functions/kit/ratelimit';

/**
 * Per-client request limits: a client is its user id when it sent a valid token, else its IP.
 * Counted in Redis when REDIS_URL is set (shared by every gateway replica), else in memory.
 * (Bottleneck was measured for this and costs 1.2-4.8 ms per request: bench/RESULTS.md.)
 */
const store: WindowCounters = env('REDIS_URL') ? redisCounters : memoryCounters();

/** Routes open to anyone that an attacker would hammer: tighter limit, per IP and service (a login flood does not close the contact form). */
const SENSITIVE: Array<{ service: ServiceName; method: string; path: RegExp }> = [
  { service: 'auth', method: 'POST', path: /^\/(login|register)$/ },
  { service: 'newsletters', method: 'POST', path: /^\/(newsletters\/)?subscribe$/ },
  { service: 'sav', method: 'POST', path: /^\/public\/tickets$/ },
  { service: 'contacts', method: 'POST', path: /^\/(contact|public\/subscribe|public\/unsubscribe)$/ },
  // Codes could otherwise be guessed at the general rate.
  { service: 'baskets', method: 'POST', path: /^\/promo-codes\/validate$/ },
];

/** The budget a request spends besides its client's: the service's sensitive one, or none. `path` is canonical, without its query. */
export const sensitiveBudget = (service: ServiceName, method: string, path: string): ServiceName | undefined =>
  SENSITIVE.some((s) => s.service === service && s.method === method && s.path.test(path)) ? service : undefined;

async function enforce(key: string, limit: number, message: string) {
  const state = await store.hit(`gateway:rate:${key}`, 60);
  if (state.count > limit) throw tooManyRequests(state.resetIn, message);
}

export async function enforceLimits(client: string, ip: string, sensitive: ServiceName | undefined): Promise<void> {
  await enforce(`client:${client}`, envInt('RATE_LIMIT_PER_MINUTE', 300), 'Too many requests. Slow down.');
  if (sensitive) await enforce(`sensitive:${sensitive}:${ip}`, envInt('RATE_LIMIT_SENSITIVE_PER_MINUTE', 10), 'Too many attempts. Try again later.');
}
