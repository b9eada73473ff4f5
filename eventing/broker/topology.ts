import type { Channel } from 'amqplib';
import type { Trigger } from '../trigger';

/**
 * Names in RabbitMQ. Trigger names are DNS labels (no dots, no underscores), so these cannot collide.
 */
export const exchangeName = (broker: string) => broker;
export const triggerQueueName = (broker: string, trigger: string) => `${broker}.${trigger}`;
export const deadLetterQueueName = (broker: string, trigger: string) => `${broker}.${trigger}.dlq`;
/** Holds one message listing the broker's triggers, so the DLQ command knows which queues to look at. */
export const registryQueueName = (broker: string) => `${broker}._triggers`;

/** A Trigger's filter as headers-exchange binding arguments: every attribute must match exactly. */
export function bindingArguments(filter: Record<string, string>): Record<string, string> {
  return { ...filter, 'x-match': 'all' };
}

export interface AmqpSource {
  /** The queue to read plain AMQP messages from (declared durable). */
  queue: string;
  /** CloudEvent `type` of the events made from it, unless a message sets its own `type` property. */
  type: string;
  source: string;
}

export async function declareTopology(
  channel: Channel,
  broker: string,
  triggers: Trigger[],
  sources: AmqpSource[],
): Promise<void> {
  const exchange = exchangeName(broker);
  await channel.assertExchange(exchange, 'headers', { durable: true });
  for (const trigger of triggers) {
    const queue = triggerQueueName(broker, trigger.name);
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, exchange, '', bindingArguments(trigger.filter));
    await channel.assertQueue(deadLetterQueueName(broker, trigger.name), { durable: true });
  }
  for (const source of sources) await channel.assertQueue(source.queue, { durable: true });
  await publishRegistry(channel, broker, triggers.map((t) => t.name));
}

async function publishRegistry(channel: Channel, broker: string, triggers: string[]): Promise<void> {
  const queue = registryQueueName(broker);
  // x-max-length 1 with the default drop-head overflow: the newest list replaces the previous one.
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 1 } });
  const body = JSON.stringify({ triggers, updatedAt: new Date().toISOString() });
  channel.sendToQueue(queue, Buffer.from(body), { persistent: true, contentType: 'application/json' });
}

/** The trigger names the broker last registered (empty if it never ran). */
export async function readRegistry(channel: Channel, broker: string): Promise<string[]> {
  const queue = registryQueueName(broker);
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-max-length': 1 } });
  const message = await channel.get(queue, { noAck: false });
  if (!message) return [];
  channel.nack(message, false, true);
  const parsed = JSON.parse(message.content.toString('utf8')) as { triggers?: unknown };
  return Array.isArray(parsed.triggers) ? parsed.triggers.map(String) : [];
}

/** Removes everything a broker declared (tests, or retiring a broker). Source queues are left alone unless listed. */
export async function deleteTopology(
  channel: Channel,
  broker: string,
  triggers: string[],
  sourceQueues: string[] = [],
): Promise<void> {
  for (const trigger of triggers) {
    await channel.deleteQueue(triggerQueueName(broker, trigger));
    await channel.deleteQueue(deadLetterQueueName(broker, trigger));
  }
  for (const queue of sourceQueues) await channel.deleteQueue(queue);
  await channel.deleteQueue(registryQueueName(broker));
  await channel.deleteExchange(exchangeName(broker));
}

/**
 * The same exact-match rule as the binding. A durable queue keeps the bindings of an older version
 * of its Trigger, which AMQP cannot list, so the dispatcher checks again and drops what no longer matches.
 */
export function matchesFilter(headers: Record<string, unknown> | undefined, filter: Record<string, string>): boolean {
  for (const [name, expected] of Object.entries(filter)) {
    const actual = headers?.[name];
    if (actual === undefined || actual === null || String(actual) !== expected) return false;
  }
  return true;
}
