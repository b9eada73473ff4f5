import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, HttpError, tooLarge } from './errors';
import { envInt } from './config';
import { proxyCredential, sameSecret } from './credentials';

const MAX_BODY_BYTES = envInt('MAX_BODY_BYTES', 1024 * 1024);

/** functions-framework parses bodies itself and leaves the bytes in `rawBody`; a lean host does not. */
type MaybeParsedRequest = IncomingMessage & { rawBody?: Buffer };

export async function readRawBody(req: MaybeParsedRequest): Promise<Buffer> {
  if (req.rawBody) return req.rawBody;
  if (req.readableEnded) return Buffer.alloc(0);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
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

export function fromTrustedProxy(req: IncomingMessage): boolean {
  const token = req.headers[PROXY_TOKEN_HEADER];
  return typeof token === 'string' && sameSecret(token, proxyCredential());
}
