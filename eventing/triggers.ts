/**
 * The one source of Trigger definitions: made from the subscriptions the services declare in
 * code. The local broker reads it; the Helm chart's Trigger manifests are generated from it
 * (`npm run generate`), and a test proves the two agree.
 */
import type { ServiceDefinition } from '../functions/kit/service';
import { EVENTS_PATH, PING_EVENT_TYPE } from '../functions/kit/events/declarations';
import { deliveryCredential } from '../functions/kit/credentials';
import type { Trigger, TriggerDelivery } from './trigger';

export const BROKER_NAME = 'default';

export const DEFAULT_DELIVERY: TriggerDelivery = {
  retry: 5,
  backoffPolicy: 'exponential',
  backoffDelay: 'PT0.2S',
  timeout: 'PT10S',
};

/** `ecommerce.orders.order.created` → `order-created`; the tick → `tick`. */
function typeWords(type: string): string {
  if (type === PING_EVENT_TYPE) return 'tick';
  return type.split('.').slice(2).join('-').replace(/[^a-z0-9-]/g, '-');
}

export function triggersOf(services: ServiceDefinition[]): Trigger[] {
  const triggers: Trigger[] = [];
  for (const service of [...services].sort((a, b) => a.name.localeCompare(b.name))) {
    const subscriptions = [...(service.subscriptions ?? [])];
    // A service with an outbox drains it on the periodic tick, so one scaled to zero still sends.
    if (service.emits?.length && !subscriptions.some((s) => s.type === PING_EVENT_TYPE)) {
      subscriptions.push({ type: PING_EVENT_TYPE, description: 'outbox sweep', handler: async () => undefined });
    }
    for (const subscription of subscriptions) {
      triggers.push({
        name: `${service.name}-${typeWords(subscription.type)}`,
        broker: BROKER_NAME,
        filter: { type: subscription.type },
        subscriber: { service: service.name, path: EVENTS_PATH },
        delivery: { ...DEFAULT_DELIVERY, ...subscription.delivery },
        parallelism: subscription.parallelism ?? 1,
      });
    }
  }
  return triggers;
}

/** The platform's Triggers, from every service. */
export function platformTriggers(): Trigger[] {
  const { allServices } = require('../functions/catalog') as typeof import('../functions/catalog');
  return triggersOf(allServices());
}

/** The path the broker delivers a Trigger's events on: the subscriber's path and its delivery credential (the chart renders the same). */
export const deliveryPath = ({ subscriber }: Trigger): string => `${subscriber.path}/${deliveryCredential(subscriber.service)}`;
