import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, HttpError, tooLarge } from './errors';
import { envInt } from './config';
import { proxyCredential, sameSecret } from './credentials';

const MAX_BODY_BYTES = envInt('MAX_BODY_BYTES', 1024 * 1024);

/** functions-framework parses bodies itself and leaves the bytes in `rawBody`; a lean host does not. */
type MaybeParsedRequest = IncomingMessage & { rawBody?: Buffer };

/**
 * The whole body, or 413 as soon as it passes MAX_BODY_BYTES. The rest of a body too large is
 * still read and dropped (see `drainRequest`): destroying the request would cut the connection
 * before the 413 goes out.
 */
export function readRawBody(req: MaybeParsedRequest): Promise<Buffer> {
  if (req.rawBody) return Promise.resolve(req.rawBody);
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd).off('error', reject);
      reject(tooLarge());
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/**
 * Once the answer is out, reads and drops what the client is still sending. Node drops an unread
 * body by itself only if nothing began reading it; a body read in part (or piped to a service that
 * answered early) would otherwise stay in the connection, and the next request on that keep-alive
 * connection (Nginx's, the gateway's) would never be read: a request that hangs.
 */
export function drainRequest(req: IncomingMessage): void {
  if (!req.complete && !req.destroyed) req.resume();
}

/** JSON (or a URL-encoded form, which older clients send); an empty body is `undefined`. */
export async function readBody(req: MaybeParsedRequest): Promise<unknown> {
  const raw = await readRawBody(req);
  if (raw.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const text = raw.toString('utf8');
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (type && !type.includes('json')) {
    throw new HttpError(415, 'Request body must be JSON (Content-Type: application/json).');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Malformed JSON in request body.');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/**
 * Writes a body as it is produced, waiting for the socket to drain whenever its buffer is full,
 * so a large export never sits whole in memory. A failure midway cuts the connection: the client
 * sees a truncated response, never a complete-looking wrong one.
 */
export async function sendStream(res: ServerResponse, status: number, chunks: AsyncIterable<string | Buffer>, headers: Record<string, string> = {}): Promise<void> {
  res.writeHead(status, headers);
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  res.end();
}

/**
 * The client's address: `X-Real-IP` when a trusted proxy (Nginx, the gateway) vouches for it with
 * the proxy credential, else the connection's own address. Anyone else could name any address
 * there and pick their own rate-limit key.
 */
export function clientIp(req: IncomingMessage): string {
  const realIp = req.headers['x-real-ip'];
  if (typeof realIp === 'string' && realIp && fromTrustedProxy(req)) return realIp;
  return req.socket.remoteAddress ?? 'unknown';
}

export const PROXY_TOKEN_HEADER = 'x-proxy-token';

function fromTrustedProxy(req: IncomingMessage): boolean {
  const token = req.headers[PROXY_TOKEN_HEADER];
  return typeof token === 'string' && sameSecret(token, proxyCredential());
}
