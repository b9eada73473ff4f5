import { randomUUID } from 'node:crypto';
import { log } from '../../functions/kit/log';
import type { EventEnvelope } from './envelope';

export const PING_TYPE = 'dev.knative.sources.ping';
export const PING_SOURCE = '/local/ping';

export function pingEvent(now = new Date()): EventEnvelope {
  return {
    attributes: {
      specversion: '1.0',
      id: randomUUID(),
      type: PING_TYPE,
      source: PING_SOURCE,
      time: now.toISOString(),
      datacontenttype: 'application/json',
    },
    data: Buffer.from('{}'),
  };
}

/** What a PingSource with the broker as sink does: one tick event every `intervalMs`. Returns the stopper. */
export function startPing(intervalMs: number, publish: (envelope: EventEnvelope) => Promise<void>): () => void {
  const timer = setInterval(() => {
    publish(pingEvent()).catch((error: Error) =>
      log.warn({ component: 'ping', err: error.message }, 'tick skipped: RabbitMQ unavailable'),
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
