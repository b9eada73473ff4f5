import type { Trigger } from '../trigger';
import { parseDuration } from './duration';

/** A Trigger's delivery settings, read once into numbers. */
export interface DeliveryPolicy {
  /** Attempts after the first one. */
  retries: number;
  /** Delay before retry n (0-based), in ms. */
  backoffMs(retryIndex: number): number;
  timeoutMs: number;
  deadLetterSink?: string;
}

export function deliveryPolicy(trigger: Trigger): DeliveryPolicy {
  const { delivery } = trigger;
  const retries = delivery.retry;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new Error(`trigger ${trigger.name}: delivery.retry must be a non-negative integer, got ${retries}`);
  }
  const delayMs = parseDuration(delivery.backoffDelay);
  const timeoutMs = parseDuration(delivery.timeout);
  if (timeoutMs <= 0) throw new Error(`trigger ${trigger.name}: delivery.timeout must be positive`);
  const exponential = delivery.backoffPolicy === 'exponential';
  if (!exponential && delivery.backoffPolicy !== 'linear') {
    throw new Error(`trigger ${trigger.name}: backoffPolicy must be exponential or linear, got ${delivery.backoffPolicy}`);
  }
  if (delivery.deadLetterSink !== undefined) new URL(delivery.deadLetterSink); // throws early on a bad URL
  return {
    retries,
    backoffMs: (n) => (exponential ? delayMs * 2 ** n : delayMs * (n + 1)),
    timeoutMs,
    deadLetterSink: delivery.deadLetterSink,
  };
}

/**
 * Knative's SelectiveRetry: 404 (a subscriber still starting), 408, 409, 429 and every 5xx are
 * worth another attempt; any other 4xx will fail the same way again, so it goes to dead letter at once.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}
