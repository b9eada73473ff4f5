/**
 * Look at and replay a broker's dead-lettered events:
 *   node dist/eventing/broker/dlq.js list [trigger]
 *   node dist/eventing/broker/dlq.js replay [trigger]
 * Without a trigger, every trigger the broker registered (BROKER_NAME, default `default`).
 */
import * as amqp from 'amqplib';
import type { Channel, ConfirmChannel, GetMessage } from 'amqplib';
import { env, rabbitmqUrl } from '../../functions/kit/config';
import { DEAD_LETTER_HEADERS, formatTable, withoutFailureHeaders } from './dead-letter';
import { deadLetterQueueName, readRegistry, triggerQueueName } from './topology';

export interface DeadLetterOptions {
  rabbitmqUrl: string;
  brokerName: string;
  /** One trigger; otherwise `triggers`, otherwise every trigger the broker registered. */
  trigger?: string;
  triggers?: string[];
}

export interface DeadLetter {
  trigger: string;
  id: string;
  type: string;
  source: string;
  /** The subscriber's last status code, `0` when it never answered. */
  code: string;
  /** When the event was dead-lettered. */
  time: string;
  reason: string;
  attempts: number;
}

export async function listDeadLetters(options: DeadLetterOptions): Promise<DeadLetter[]> {
  return withChannel(options.rabbitmqUrl, false, async (channel) => {
    const found: DeadLetter[] = [];
    for (const trigger of await triggersOf(channel, options)) {
      const messages = await takeAll(channel, deadLetterQueueName(options.brokerName, trigger));
      found.push(...messages.map((message) => describe(trigger, message)));
      // Put them back where they were: a requeued message keeps its place in the queue.
      if (messages.length > 0) channel.nack(messages[messages.length - 1], true, true);
    }
    return found;
  });
}

/**
 * Moves each trigger's dead letters back onto its queue (its dispatcher delivers them again),
 * removing each from the dead-letter queue only once RabbitMQ has confirmed the copy.
 */
export async function replayDeadLetters(options: DeadLetterOptions): Promise<{ trigger: string; replayed: number }[]> {
  return withChannel(options.rabbitmqUrl, true, async (channel) => {
    const counts: { trigger: string; replayed: number }[] = [];
    for (const trigger of await triggersOf(channel, options)) {
      const messages = await takeAll(channel, deadLetterQueueName(options.brokerName, trigger));
      const target = triggerQueueName(options.brokerName, trigger);
      await channel.assertQueue(target, { durable: true });
      for (const message of messages) {
        const { properties } = message;
        channel.sendToQueue(target, message.content, {
          headers: withoutFailureHeaders(properties.headers),
          persistent: true,
          messageId: properties.messageId,
          contentType: properties.contentType,
          timestamp: properties.timestamp,
        });
      }
      if (messages.length > 0) {
        // If a copy is not confirmed this throws, and closing the connection leaves the originals in the DLQ.
        await channel.waitForConfirms();
        channel.ack(messages[messages.length - 1], true);
      }
      counts.push({ trigger, replayed: messages.length });
    }
    return counts;
  });
}

async function withChannel<T>(url: string, confirm: boolean, work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(url, { clientProperties: { connection_name: 'eventing-dlq' } });
  connection.on('error', () => undefined);
  try {
    const channel = (confirm ? await connection.createConfirmChannel() : await connection.createChannel()) as ConfirmChannel;
    channel.on('error', () => undefined);
    const result = await work(channel);
    // Closing the channel first makes sure our acks reach RabbitMQ before the connection goes.
    await channel.close();
    return result;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function triggersOf(channel: Channel, options: DeadLetterOptions): Promise<string[]> {
  if (options.trigger) return [options.trigger];
  if (options.triggers) return options.triggers;
  return readRegistry(channel, options.brokerName);
}

/**
 * Every message the queue holds now, unacked. Bounded by the count at the start, so messages that
 * arrive meanwhile (a replayed event failing again, say) are not taken in a loop.
 */
async function takeAll(channel: Channel, queue: string): Promise<GetMessage[]> {
  const { messageCount } = await channel.assertQueue(queue, { durable: true });
  const messages: GetMessage[] = [];
  for (let i = 0; i < messageCount; i += 1) {
    const message = await channel.get(queue, { noAck: false });
    if (!message) break;
    messages.push(message);
  }
  return messages;
}

function describe(trigger: string, message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  const text = (name: string) => (headers[name] === undefined ? '' : String(headers[name]));
  return {
    trigger,
    id: text('id'),
    type: text('type'),
    source: text('source'),
    code: text('knativeerrorcode'),
    time: text(DEAD_LETTER_HEADERS.time),
    reason: text(DEAD_LETTER_HEADERS.reason),
    attempts: Number(headers[DEAD_LETTER_HEADERS.attempts] ?? 0),
  };
}

export function formatDeadLetters(letters: DeadLetter[]): string {
  return formatTable([
    ['TRIGGER', 'ID', 'TYPE', 'SOURCE', 'CODE', 'TIME', 'REASON'],
    ...letters.map((l) => [l.trigger, l.id, l.type, l.source, l.code, l.time, l.reason]),
  ]);
}

/** The command line; returns the exit code. `triggers` lets a caller name them instead of the registry. */
export async function runDlqCommand(argv: string[], triggers?: string[]): Promise<number> {
  const [command, trigger] = argv;
  const options: DeadLetterOptions = {
    rabbitmqUrl: rabbitmqUrl(),
    brokerName: env('BROKER_NAME', 'default'),
    trigger,
    triggers,
  };
  if (command === 'list') {
    const letters = await listDeadLetters(options);
    console.log(letters.length ? formatDeadLetters(letters) : 'no dead-lettered events');
    return 0;
  }
  if (command === 'replay') {
    const counts = await replayDeadLetters(options);
    for (const { trigger: name, replayed } of counts) console.log(`${name}: ${replayed} event(s) replayed`);
    if (counts.length === 0) console.log('no triggers registered for this broker');
    return 0;
  }
  console.error('usage: dlq.js list|replay [trigger]   (BROKER_NAME, RABBITMQ_URL from the environment)');
  return 2;
}

if (require.main === module) {
  runDlqCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`dlq: ${error.message}`);
      process.exit(1);
    },
  );
}
