import type { ConfirmChannel, Options } from 'amqplib';

export class BrokerUnavailableError extends Error {
  constructor(message = 'RabbitMQ is unreachable') {
    super(message);
  }
}

/**
 * Publishes on one confirm channel that any number of callers share: each publish resolves on its
 * own broker confirm, so confirms are pipelined rather than awaited one by one.
 */
export class ConfirmPublisher {
  private channel: ConfirmChannel | undefined;

  attach(channel: ConfirmChannel): void {
    this.channel = channel;
  }

  /** Pending publishes on the old channel fail with 'channel closed' (amqplib calls them back). */
  detach(): void {
    this.channel = undefined;
  }

  get ready(): boolean {
    return this.channel !== undefined;
  }

  publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    return confirmPublish(this.channel, exchange, routingKey, content, options);
  }
}

export function confirmPublish(
  channel: ConfirmChannel | undefined,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  if (!channel) return Promise.reject(new BrokerUnavailableError());
  return new Promise<void>((resolve, reject) => {
    try {
      channel.publish(exchange, routingKey, content, options, (error) => {
        if (error) reject(new BrokerUnavailableError(`RabbitMQ did not confirm the publish: ${describe(error)}`));
        else resolve();
      });
    } catch (error) {
      // amqplib throws synchronously when the channel is already closed.
      reject(new BrokerUnavailableError(`RabbitMQ channel unusable: ${describe(error)}`));
    }
  });
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
