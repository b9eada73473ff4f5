import type { Transaction } from 'sequelize';
import type { TriggerDelivery } from '../../../eventing/trigger';
import type { JsonSchema } from '../validation';

/** An event type a service emits, with the JSON Schema of its data (the catalogue is made from these). */
export interface EventDeclaration {
  type: string;
  description: string;
  schema: JsonSchema;
}

/** An event as a handler receives it. */
export interface ReceivedEvent<T = Record<string, unknown>> {
  id: string;
  type: string;
  source: string;
  subject?: string;
  time?: string;
  data: T;
  requestId?: string;
}

/** What a handler may answer with: an event the broker publishes in reply. */
export interface ReplyEvent {
  type: string;
  subject?: string;
  data: unknown;
}

export interface Subscription<T = any> {
  type: string;
  description: string;
  /** Applies the event inside `transaction`, the one that also records it as applied. */
  handler(event: ReceivedEvent<T>, transaction: Transaction): Promise<void | ReplyEvent>;
  /** Overrides of the Trigger's delivery settings. */
  delivery?: Partial<TriggerDelivery>;
  /** Concurrent deliveries to this subscription; 1 (the default) keeps publish order. */
  parallelism?: number;
}

/**
 * An event that can never apply (it names something that does not exist, its data is wrong):
 * recorded with its reason and acknowledged, not retried.
 */
export class PermanentEventError extends Error {}

export const PING_EVENT_TYPE = 'dev.knative.sources.ping';

/** Where the broker POSTs a service's events (never forwarded by the gateway). */
export const EVENTS_PATH = '/events';

/** `ecommerce.orders.order.created` comes from `/orders`. */
export function sourceOf(type: string): string {
  const service = type.split('.')[1];
  if (!service) throw new Error(`event type "${type}" does not follow <prefix>.<service>.<entity>.<verb>`);
  return `/${service}`;
}
