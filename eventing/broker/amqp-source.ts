import { randomUUID } from 'node:crypto';
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { log } from '../../functions/kit/log';
import { superviseChannel } from './connection';
import { envelopeToAmqp, type EventEnvelope } from './envelope';
import { confirmPublish } from './publisher';
import type { AmqpSource } from './topology';

const PREFETCH = 100;

/**
 * What a RabbitmqSource does: reads plain AMQP messages from a queue, turns each into a CloudEvent
 * and publishes it to the broker, acking the original only once the broker has confirmed the event.
 */
export class AmqpSourceBridge {
  private channel: ConfirmChannel | undefined;
  private consumerTag: string | undefined;
  private readonly logger;

  constructor(
    private readonly source: AmqpSource,
    private readonly exchange: string,
    private readonly restart: (reason: string, connection: ChannelModel) => void,
  ) {
    this.logger = log.child({ component: 'amqp-source', queue: source.queue });
  }

  async attach(connection: ChannelModel): Promise<void> {
    const channel = await connection.createConfirmChannel();
    superviseChannel(channel, `source ${this.source.queue}`, (reason) => this.restart(reason, connection));
    await channel.prefetch(PREFETCH);
    this.channel = channel;
    const { consumerTag } = await channel.consume(this.source.queue, (message) => {
      if (message) void this.forward(channel, message);
      else this.restart(`consumer of ${this.source.queue} cancelled by RabbitMQ`, connection);
    });
    this.consumerTag = consumerTag;
  }

  detach(): void {
    this.channel = undefined;
    this.consumerTag = undefined;
  }

  async stop(): Promise<void> {
    const channel = this.channel;
    this.detach();
    if (!channel) return;
    await channel.close().catch(() => undefined);
  }

  private async forward(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    try {
      const { content, options } = envelopeToAmqp(sourceEvent(this.source, message));
      await confirmPublish(channel, this.exchange, '', content, options);
      channel.ack(message);
    } catch (error) {
      // The channel is gone (the message comes back on the next connection) or the publish was refused.
      this.logger.warn({ err: (error as Error).message }, 'could not forward a message; it stays queued');
      try {
        channel.nack(message, false, true);
      } catch {
        // channel closed: RabbitMQ requeues it by itself
      }
    }
  }
}

/** The CloudEvent made of a plain AMQP message. */
export function sourceEvent(source: AmqpSource, message: Pick<ConsumeMessage, 'content' | 'properties'>): EventEnvelope {
  const { properties, content } = message;
  const time = typeof properties.timestamp === 'number' ? new Date(properties.timestamp * 1000) : new Date();
  return {
    attributes: {
      specversion: '1.0',
      id: properties.messageId ? String(properties.messageId) : randomUUID(),
      type: properties.type ? String(properties.type) : source.type,
      source: source.source,
      time: time.toISOString(),
      datacontenttype: properties.contentType ? String(properties.contentType) : guessContentType(content),
    },
    data: content.length > 0 ? content : undefined,
  };
}

function guessContentType(content: Buffer): string {
  try {
    JSON.parse(content.toString('utf8'));
    return 'application/json';
  } catch {
    return 'text/plain; charset=utf-8';
  }
}
