import { Agent, request, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CloudEvent, HTTP } from 'cloudevents';
import { QueryTypes, Transaction, type Sequelize } from 'sequelize';
import { env } from '../config';
import { log } from '../log';
import { runOutsideScope } from '../context';
import { onShutdown } from '../lifecycle';
import { publishCredential } from '../credentials';

export interface OutboxRow {
  id: string;
  event_id: string;
  type: string;
  source: string;
  subject: string | null;
  data: string;
  request_id: string | null;
  created_at: Date;
  attempts: number;
}

const BATCH = 100;
const MAX_BACKOFF_MS = 5 * 60_000;
/**
 * How long the process that committed an event has to send it itself before the drain may claim
 * it: the row's first `next_attempt_at` lies this far ahead (see `emit`).
 */
export const SENDER_GRACE_MS = 5_000;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** Retry delay after `attempts` failures: 0.5 s doubling, at most 5 minutes. */
export const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.max(0, attempts - 1));

class SinkError extends Error {
  constructor(message: string, readonly brokerDown: boolean) {
    super(message);
  }
}

/** POSTs one event to the broker in binary mode; only a 2xx counts as sent (the SDK's transport says yes to a 500). */
export function sendToSink(sink: string, row: OutboxRow): Promise<void> {
  const event = new CloudEvent({
    id: row.event_id,
    type: row.type,
    source: row.source,
    ...(row.subject ? { subject: row.subject } : {}),
    time: new Date(row.created_at).toISOString(),
    datacontenttype: 'application/json',
    data: JSON.parse(row.data),
    ...(row.request_id ? { requestid: row.request_id } : {}),
  });
  const message = HTTP.binary(event);
  const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
  const url = new URL(sink);
  const token = publishCredential();
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : request;
    const req = send(url, { method: 'POST', agent: url.protocol === 'https:' ? undefined : agent, headers: { ...message.headers, 'content-length': String(Buffer.byteLength(body)), ...(token ? { authorization: `Bearer ${token}` } : {}) } as OutgoingHttpHeaders }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve();
      else reject(new SinkError(`broker answered ${status}`, status >= 500 || status === 429 || status === 404));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('broker did not answer within 10 s')));
    req.on('error', (error) => reject(new SinkError(error.message, true)));
    req.end(body);
  });
}

/**
 * Sends a database's outbox events to the broker. The process that committed an event sends it at
 * once, in commit order, with one UPDATE to mark what went (`sendCommitted`); whatever that misses
 * (the broker refused, the process died) is left to the drain, which claims unsent rows whose
 * `next_attempt_at` has come, oldest first, with SKIP LOCKED so that replicas never send the same
 * batch together. It runs on the periodic tick and after a failure.
 */
export class Relay {
  private draining: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDue = 0;
  private readonly committed: OutboxRow[] = [];
  private sendingCommitted = false;
  private committedSent: Promise<void> = Promise.resolve();
  private sweptAtStart = false;

  constructor(private readonly sequelize: Sequelize) {}

  /** Sends events this process has just committed; a failure hands them (and those queued after them) to the drain. */
  sendCommitted(rows: OutboxRow[]): void {
    this.committed.push(...rows);
    if (this.sendingCommitted) return;
    this.sendingCommitted = true;
    this.committedSent = runOutsideScope(async () => {
      try {
        while (this.committed.length) await this.sendCommittedBatch(this.committed.splice(0, BATCH));
      } catch (error) {
        log.error({ err: error }, 'outbox relay failed');
      } finally {
        this.sendingCommitted = false;
      }
      if (!this.sweptAtStart) {
        // What earlier processes left behind (they died before sending) goes out now, not at the next tick.
        this.sweptAtStart = true;
        this.retryIn(SENDER_GRACE_MS);
      }
    });
  }

  private async sendCommittedBatch(rows: OutboxRow[]): Promise<void> {
    const sink = env('K_SINK');
    if (!sink) {
      log.warn('K_SINK is not set: outbox events wait until it is');
      return;
    }
    const sent: string[] = [];
    try {
      for (const row of rows) {
        await sendToSink(sink, row);
        sent.push(row.id);
      }
    } catch (error) {
      const [failed, ...after] = [...rows.slice(sent.length), ...this.committed.splice(0)];
      const delay = backoffMs(1);
      await this.sequelize.query('UPDATE outbox_events SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?', {
        replacements: [new Date(Date.now() + delay), (error as Error).message, failed.id],
      });
      // The drain takes the rest at once, after the failed one, keeping their order.
      if (after.length) await this.sequelize.query('UPDATE outbox_events SET next_attempt_at = NOW(3) WHERE id IN (?)', { replacements: [after.map((r) => r.id)] });
      log.warn({ event_id: failed.event_id, type: failed.type, retry_in_ms: delay, err: error }, 'event not accepted by the broker; will retry');
      this.retryIn(after.length ? 0 : delay);
    } finally {
      if (sent.length) await this.sequelize.query('UPDATE outbox_events SET sent_at = NOW(3) WHERE id IN (?)', { replacements: [sent] });
    }
  }

  /** Resolves once the events this process committed are sent, or handed to the drain (a failure). */
  settled(): Promise<void> {
    return this.committedSent;
  }

  /** Starts a drain (or asks the running one to go round once more). */
  kick(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = runOutsideScope(async () => {
      try {
        do {
          this.again = false;
          while ((await this.drainBatch()) === BATCH);
        } while (this.again);
      } catch (error) {
        log.error({ err: error }, 'outbox relay failed');
      } finally {
        this.draining = undefined;
      }
    });
    return this.draining;
  }

  /** Sends up to one batch; answers how many rows it claimed. */
  private async drainBatch(): Promise<number> {
    const sink = env('K_SINK');
    if (!sink) {
      log.warn('K_SINK is not set: outbox events wait until it is');
      return 0;
    }
    // READ COMMITTED: the claim locks the rows it read and no gap, so the commits that add events
    // to the outbox meanwhile are not held up while this batch is being sent.
    return this.sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, async (transaction) => {
      const rows = await this.sequelize.query<OutboxRow>(
        `SELECT id, event_id, type, source, subject, data, request_id, created_at, attempts FROM outbox_events
         WHERE sent_at IS NULL AND next_attempt_at <= NOW(3) ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        { type: QueryTypes.SELECT, transaction },
      );
      const sent: string[] = [];
      for (const [index, row] of rows.entries()) {
        try {
          await sendToSink(sink, row);
          sent.push(row.id);
        } catch (error) {
          const brokerDown = error instanceof SinkError && error.brokerDown;
          // When the broker is down every later event would fail too: back them all off, keeping their order.
          const failed = brokerDown ? rows.slice(index) : [row];
          const delay = backoffMs(row.attempts + 1);
          await this.sequelize.query(
            `UPDATE outbox_events SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id IN (?)`,
            { replacements: [new Date(Date.now() + delay), (error as Error).message, failed.map((r) => r.id)], transaction },
          );
          this.retryIn(delay);
          log.warn({ event_id: row.event_id, type: row.type, attempts: row.attempts + 1, retry_in_ms: delay, err: error }, 'event not accepted by the broker; will retry');
          if (brokerDown) break;
        }
      }
      if (sent.length) await this.sequelize.query('UPDATE outbox_events SET sent_at = NOW(3) WHERE id IN (?)', { replacements: [sent], transaction });
      return rows.length;
    });
  }

  /** While this process lives it retries by itself; the periodic tick event covers a process that scaled to zero. */
  private retryIn(delay: number) {
    const due = Date.now() + delay;
    if (this.retryTimer && this.retryDue <= due) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryDue = due;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.kick();
    }, delay + 10);
    this.retryTimer.unref();
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }
}

const relays = new WeakMap<Sequelize, Relay>();

export function relayFor(sequelize: Sequelize): Relay {
  let relay = relays.get(sequelize);
  if (!relay) {
    relays.set(sequelize, (relay = new Relay(sequelize)));
    // Before the pool closes (hooks run in reverse order): a process that stops right after a
    // commit, like the migrations after a seed, sends and marks its events instead of dropping the send.
    onShutdown(relay.settled.bind(relay));
  }
  return relay;
}
