/**
 * A Knative Trigger, as the local broker and the Helm chart both read it.
 * Field names follow Knative's Trigger spec (eventing.knative.dev/v1).
 */
export interface TriggerDelivery {
  /** Attempts after the first one. */
  retry: number;
  backoffPolicy: 'exponential' | 'linear';
  /** ISO-8601 duration, e.g. `PT0.2S`: the first retry's delay (exponential: delay * 2^n). */
  backoffDelay: string;
  /** ISO-8601 duration: how long one delivery attempt may take. */
  timeout: string;
  /** Where an event goes after its last failed attempt, besides the dead-letter queue (an absolute URL). */
  deadLetterSink?: string;
}

export interface Trigger {
  /** Unique, DNS-label style: `<subscriber>-<type words>`, e.g. `products-order-created`. */
  name: string;
  broker: string;
  /** Exact-match CloudEvent attribute filter (`type`, `source`, extensions...). Empty = every event. */
  filter: Record<string, string>;
  /** The subscriber: a function of the platform (its URL comes from configuration) and the path it takes events on. */
  subscriber: { service: string; path: string };
  delivery: TriggerDelivery;
  /** Concurrent deliveries; 1 delivers in publish order (the `rabbitmq.eventing.knative.dev/parallelism` annotation). */
  parallelism: number;
}
