import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../../functions/kit/log';
import { sameSecret } from '../../functions/kit/credentials';
import { envelopeFromHttp, InvalidEventError, type EventEnvelope } from './envelope';
import { BrokerUnavailableError } from './publisher';

const MAX_EVENT_BYTES = 10 * 1024 * 1024;

export interface IngressHandlers {
  publish: (envelope: EventEnvelope) => Promise<void>;
  isConnected: () => boolean;
  /** The bearer token publishers must present; null leaves the ingress open (a broker tested alone). */
  publishToken: string | null;
}

/**
 * The broker's HTTP ingress (K_SINK): any path takes a POSTed CloudEvent, in binary or structured
 * mode, from a publisher that presents the publish token (else 401), and answers 202 once RabbitMQ
 * has confirmed it. `GET /health` tells whether RabbitMQ is there.
 */
export function createIngress(handlers: IngressHandlers): http.Server {
  const server = http.createServer((request, response) => {
    handle(request, response, handlers).catch((error: unknown) => {
      if (request.destroyed && !request.complete) return; // the client went away mid-request
      log.error({ component: 'ingress', err: (error as Error).message }, 'ingress failure');
      if (!response.headersSent) reply(response, 500, { message: 'internal error' });
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function handle(request: IncomingMessage, response: ServerResponse, handlers: IngressHandlers): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && path === '/health') {
    const up = handlers.isConnected();
    return reply(response, up ? 200 : 503, { status: up ? 'ok' : 'unavailable', rabbitmq: up ? 'up' : 'down' });
  }
  if (request.method !== 'POST') {
    response.setHeader('allow', 'POST');
    return reply(response, 405, { message: 'POST a CloudEvent' });
  }
  if (handlers.publishToken !== null && !sameSecret(/^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1], handlers.publishToken)) {
    request.resume();
    return reply(response, 401, { message: "only the platform's functions may publish (Authorization: Bearer <publish token>)" });
  }
  const body = await readBody(request);
  if (body === undefined) return reply(response, 413, { message: `an event may not exceed ${MAX_EVENT_BYTES} bytes` });
  let envelope: EventEnvelope;
  try {
    envelope = envelopeFromHttp(request.headers, body);
  } catch (error) {
    if (error instanceof InvalidEventError) return reply(response, 400, { message: error.message });
    throw error;
  }
  try {
    await handlers.publish(envelope);
  } catch (error) {
    if (error instanceof BrokerUnavailableError) return reply(response, 503, { message: error.message });
    throw error;
  }
  response.writeHead(202).end();
}

/** The whole body, or undefined once it passes the size limit. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_EVENT_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
