import { setMaxListeners } from 'node:events';
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Trigger } from '../trigger';
import { log } from '../../functions/kit/log';
import { superviseChannel } from './connection';
import { deadLetterMessage, failureReason, knativeErrorExtensions, type DeliveryFailure } from './dead-letter';
import { isRetryableStatus, type DeliveryPolicy } from './delivery-policy';
import {
  envelopeFromAmqp,
  envelopeFromHttp,
  envelopeToAmqp,
  envelopeToBinaryHttp,
  InvalidEventError,
  type EventEnvelope,
} from './envelope';
import type { HttpResult, HttpSender } from './http-delivery';
import { confirmPublish } from './publisher';
import { deadLetterQueueName, matchesFilter, triggerQueueName } from './topology';

export interface DispatcherContext {
  broker: string;
  exchange: string;
  sender: HttpSender;
  /** Rebuild the connection `connection` (a channel of it failed). */
  restart: (reason: string, connection: ChannelModel) => void;
}

/** What one consumer channel lives with; it dies with its connection. */
interface Session {
  channel: ConfirmChannel;
  consumerTag?: string;
  abort: AbortController;
}

type Outcome =
  | { kind: 'delivered'; result: HttpResult }
  | { kind: 'failed'; attempts: number; result: HttpResult }
  | { kind: 'aborted' };

/**
 * Delivers one Trigger's queue to its subscriber, as Knative's dispatcher does: binary-mode POSTs,
 * at most `parallelism` in flight, retries with backoff while holding the message (so parallelism 1
 * keeps publish order), then the dead-letter queue and sink, and reply events back onto the exchange.
 */
export class TriggerDispatcher {
  private session: Session | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly queue: string;
  private readonly logger;

  constructor(
    readonly trigger: Trigger,
    private readonly subscriberUrl: string,
    private readonly policy: DeliveryPolicy,
    private readonly context: DispatcherContext,
  ) {
    this.queue = triggerQueueName(context.broker, trigger.name);
    this.logger = log.child({ component: 'dispatcher', trigger: trigger.name });
  }

  async attach(connection: ChannelModel): Promise<void> {
    const channel = await connection.createConfirmChannel();
    superviseChannel(channel, `dispatch ${this.trigger.name}`, (reason) => this.context.restart(reason, connection));
    await channel.prefetch(Math.max(1, this.trigger.parallelism));
    const session: Session = { channel, abort: new AbortController() };
    // Every delivery in flight listens on this one signal.
    setMaxListeners(0, session.abort.signal);
    this.session = session;
    const { consumerTag } = await channel.consume(this.queue, (message) => {
      if (message) this.track(this.handle(message, session));
      // RabbitMQ cancelled the consumer (its queue was deleted): rebuilding declares it again.
      else this.context.restart(`consumer of ${this.queue} cancelled by RabbitMQ`, connection);
    });
    session.consumerTag = consumerTag;
  }

  /** The connection is gone: stop what is in flight; unacked messages come back on the next connection. */
  detach(): void {
    this.session?.abort.abort();
    this.session = undefined;
  }

  /** Stops taking messages, lets deliveries in flight finish for up to `graceMs`, then abandons them. */
  async stop(graceMs: number): Promise<void> {
    const session = this.session;
    if (!session) return;
    if (session.consumerTag) await session.channel.cancel(session.consumerTag).catch(() => undefined);
    await Promise.race([Promise.allSettled([...this.inFlight]), delay(graceMs)]);
    session.abort.abort();
    this.session = undefined;
    await session.channel.close().catch(() => undefined);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(message: ConsumeMessage, session: Session): Promise<void> {
    try {
      if (!matchesFilter(message.properties.headers, this.trigger.filter)) {
        ack(session, message); // left over from an older binding of this Trigger
        return;
      }
      const envelope = envelopeFromAmqp(message);
      const outcome = await this.deliver(envelope, session.abort.signal);
      if (outcome.kind === 'aborted') return;
      if (outcome.kind === 'delivered') {
        await this.publishReply(outcome.result, session);
      } else {
        await this.deadLetter(message, envelope, { trigger: this.trigger.name, destination: this.subscriberUrl, ...outcome }, session);
      }
      ack(session, message);
    } catch (error) {
      // Typically the channel died under us: the message is still unacked and will come back.
      this.logger.warn({ err: (error as Error).message, event_id: message.properties.messageId }, 'delivery left for redelivery');
    }
  }

  private async deliver(envelope: EventEnvelope, signal: AbortSignal): Promise<Outcome> {
    let request: ReturnType<typeof envelopeToBinaryHttp>;
    try {
      request = envelopeToBinaryHttp(envelope);
    } catch (error) {
      return { kind: 'failed', attempts: 0, result: { headers: {}, body: Buffer.alloc(0), error: `cannot encode event: ${(error as Error).message}` } };
    }
    const { retries, timeoutMs } = this.policy;
    for (let attempt = 0; ; attempt += 1) {
      const result = await this.context.sender.post(this.subscriberUrl, request.headers, request.body, timeoutMs, signal);
      if (signal.aborted) return { kind: 'aborted' };
      const status = result.status;
      if (result.error === undefined && status !== undefined && status >= 200 && status < 300) {
        return { kind: 'delivered', result };
      }
      const retryable = status === undefined || isRetryableStatus(status);
      if (!retryable || attempt >= retries) return { kind: 'failed', attempts: attempt + 1, result };
      const wait = this.policy.backoffMs(attempt);
      this.logger.debug({ event_id: envelope.attributes.id, attempt: attempt + 1, reason: failureReason(result), wait_ms: wait }, 'delivery failed, retrying');
      if (!(await sleep(wait, signal))) return { kind: 'aborted' };
    }
  }

  /** A 2xx answer carrying a CloudEvent is a reply: it goes back onto the broker like any event. */
  private async publishReply(result: HttpResult, session: Session): Promise<void> {
    const { headers } = result;
    const carriesEvent = headers['ce-specversion'] !== undefined || /^application\/cloudevents/i.test(String(headers['content-type'] ?? ''));
    if (!carriesEvent) return;
    let reply: EventEnvelope;
    try {
      reply = envelopeFromHttp(headers, result.body);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      this.logger.warn({ err: error.message }, 'subscriber replied with an invalid CloudEvent; reply dropped');
      return;
    }
    const { content, options } = envelopeToAmqp(reply);
    await confirmPublish(session.channel, this.context.exchange, '', content, options);
  }

  private async deadLetter(message: ConsumeMessage, envelope: EventEnvelope, failure: DeliveryFailure, session: Session): Promise<void> {
    const reason = failureReason(failure.result);
    this.logger.warn(
      { event_id: envelope.attributes.id, type: envelope.attributes.type, attempts: failure.attempts, reason },
      'delivery failed for good: dead-lettered',
    );
    const { content, options } = deadLetterMessage(message, failure);
    await confirmPublish(session.channel, '', deadLetterQueueName(this.context.broker, this.trigger.name), content, options);
    const sink = this.policy.deadLetterSink;
    if (!sink) return;
    const request = envelopeToBinaryHttp({
      attributes: { ...envelope.attributes, ...knativeErrorExtensions(failure) },
      data: envelope.data,
    });
    const result = await this.context.sender.post(sink, request.headers, request.body, this.policy.timeoutMs, session.abort.signal);
    if (result.error !== undefined || result.status === undefined || result.status >= 300) {
      this.logger.warn({ event_id: envelope.attributes.id, sink, reason: failureReason(result) }, 'dead-letter sink refused the event (it stays in the dead-letter queue)');
    }
  }
}

function ack(session: Session, message: ConsumeMessage): void {
  if (session.abort.signal.aborted) return; // that channel is gone; the message will be redelivered
  try {
    session.channel.ack(message);
  } catch {
    // closed meanwhile: same as above
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
