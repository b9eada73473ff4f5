import type { IncomingMessage } from 'node:http';
import { CloudEvent, HTTP, type CloudEventV1 } from 'cloudevents';
import { QueryTypes, type Sequelize } from 'sequelize';
import { badRequest, HttpError } from '../errors';
import { readRawBody } from '../http';
import { log } from '../log';
import { reply, type Reply } from '../route';
import { relayFor } from './relay';
import { runTickHooks } from './ticks';
import { PermanentEventError, PING_EVENT_TYPE, sourceOf, type ReceivedEvent, type ReplyEvent, type Subscription } from './declarations';

/** Reads a CloudEvent POSTed in binary or structured mode; anything else is a 400. */
export async function readCloudEvent(req: IncomingMessage): Promise<CloudEventV1<unknown>> {
  const body = await readRawBody(req);
  try {
    const event = HTTP.toEvent({ headers: req.headers, body: body.toString('utf8') });
    if (Array.isArray(event)) throw new Error('batched events are not supported');
    return event as CloudEventV1<unknown>;
  } catch (error) {
    throw badRequest(`Not a valid CloudEvent: ${(error as Error).message}`);
  }
}

const isDuplicateKey = (error: unknown) => (error as { name?: string })?.name === 'SequelizeUniqueConstraintError' || (error as { original?: { code?: string } })?.original?.code === 'ER_DUP_ENTRY';

const TRANSIENT_DATABASE_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

function received(event: CloudEventV1<unknown>): ReceivedEvent {
  let data = event.data as unknown;
  if (Buffer.isBuffer(data)) data = JSON.parse(data.toString('utf8'));
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      // a text payload stays text
    }
  }
  return {
    id: event.id, type: event.type, source: event.source, subject: event.subject, time: event.time,
    data: (data ?? {}) as Record<string, unknown>, requestId: event.requestid as string | undefined,
  };
}

/**
 * Applies an event exactly once: its `source` + `id` go into the inbox in the same transaction as
 * its effect. Answers as the RabbitMQ broker's dispatcher expects: 2xx done (also for a duplicate
 * and for a permanent failure, recorded with its reason), 5xx or 409 to be retried.
 */
export async function applyEvent(sequelize: Sequelize | undefined, subscriptions: Map<string, Subscription>, cloudEvent: CloudEventV1<unknown>): Promise<Reply> {
  const event = received(cloudEvent);
  if (event.type === PING_EVENT_TYPE && sequelize) {
    await relayFor(sequelize).kick();
    await runTickHooks(sequelize);
    if (!subscriptions.has(PING_EVENT_TYPE)) return reply.ok({ status: 'swept' });
  }
  const subscription = subscriptions.get(event.type);
  if (!subscription) {
    log.warn({ event_id: event.id, type: event.type }, 'event of a type this service does not subscribe to: ignored');
    return reply.ok({ status: 'ignored' });
  }
  if (!sequelize) throw new Error('a service that subscribes to events needs a database (for its inbox)');
  try {
    const outcome = await sequelize.transaction(async (transaction) => {
      try {
        await sequelize.query('INSERT INTO inbox_events (source, event_id, type, status, received_at) VALUES (?, ?, ?, ?, NOW(3))', {
          replacements: [event.source, event.id, event.type, 'applied'], type: QueryTypes.INSERT, transaction,
        });
      } catch (error) {
        if (isDuplicateKey(error)) return 'duplicate' as const;
        throw error;
      }
      return (await subscription.handler(event, transaction)) ?? undefined;
    });
    if (outcome === 'duplicate') return reply.ok({ status: 'duplicate' });
    return outcome ? replyEvent(outcome, event) : reply.ok({ status: 'applied' });
  } catch (error) {
    if (error instanceof PermanentEventError) return rejectPermanently(sequelize, event, error.message);
    const code = (error as { original?: { code?: string } })?.original?.code;
    if (code && TRANSIENT_DATABASE_ERRORS.has(code)) throw new HttpError(409, 'Concurrent update; retry.');
    throw error; // a 500: the broker retries with backoff
  }
}

async function rejectPermanently(sequelize: Sequelize, event: ReceivedEvent, reason: string): Promise<Reply> {
  log.warn({ event_id: event.id, type: event.type, reason }, 'event can never apply: recorded and acknowledged');
  await sequelize.query(
    'INSERT IGNORE INTO inbox_events (source, event_id, type, status, reason, received_at) VALUES (?, ?, ?, ?, ?, NOW(3))',
    { replacements: [event.source, event.id, event.type, 'rejected', reason], type: QueryTypes.INSERT },
  );
  return reply.ok({ status: 'rejected', reason });
}

/** A reply event goes back in binary mode in the response; the broker publishes it. */
function replyEvent(outcome: ReplyEvent, cause: ReceivedEvent): Reply {
  const event = new CloudEvent({
    type: outcome.type, source: sourceOf(outcome.type), subject: outcome.subject, datacontenttype: 'application/json', data: outcome.data as object,
    ...(cause.requestId ? { requestid: cause.requestId } : {}),
  });
  const message = HTTP.binary(event);
  const headers = Object.fromEntries(Object.entries(message.headers).filter(([k]) => k !== 'content-type').map(([k, v]) => [k, String(v)]));
  const body = typeof message.body === 'string' ? JSON.parse(message.body) : message.body;
  return reply.with(200, body ?? {}, headers);
}
