import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Message, Options } from 'amqplib';
import { CloudEvent, HTTP, ValidationError } from 'cloudevents';

/**
 * A CloudEvent as the broker carries it: context attributes and extensions as strings (they become
 * AMQP headers, which is what a Trigger's headers-exchange binding matches on), data as raw bytes.
 */
export interface EventEnvelope {
  attributes: Record<string, string>;
  data?: Buffer;
}

export class InvalidEventError extends Error {}

const STRUCTURED = /^application\/cloudevents/i;
const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json\b/i;

/** The CloudEvent an HTTP message carries, in binary or structured mode; throws InvalidEventError. */
export function envelopeFromHttp(headers: IncomingHttpHeaders, body: Buffer): EventEnvelope {
  const contentType = String(headers['content-type'] ?? '');
  const structured = STRUCTURED.test(contentType);
  let event: CloudEvent<unknown>;
  try {
    // In binary mode the SDK would only parse the data we pass on untouched, and its JSON parser is
    // costly (it builds two errors per call): give it the headers alone and check JSON ourselves.
    if (!structured && JSON_TYPE.test(contentType) && body.length > 0) JSON.parse(body.toString('utf8'));
    const parsed = HTTP.toEvent({ headers, body: structured ? body.toString('utf8') : '' });
    if (Array.isArray(parsed)) throw new InvalidEventError('batched CloudEvents are not accepted');
    event = parsed as CloudEvent<unknown>;
    if (event.specversion !== '1.0') throw new InvalidEventError(`unsupported specversion ${event.specversion}`);
    event.validate();
  } catch (error) {
    throw new InvalidEventError(describeInvalid(error));
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'data_base64' || value === undefined || value === null) continue;
    attributes[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  // In binary mode the body is the data, byte for byte; only structured mode needs re-encoding.
  const data = structured ? structuredData(event, attributes) : body.length > 0 ? body : undefined;
  return { attributes, data };
}

function structuredData(event: CloudEvent<unknown>, attributes: Record<string, string>): Buffer | undefined {
  if (event.data_base64) return Buffer.from(event.data_base64, 'base64');
  if (event.data === undefined || event.data === null) return undefined;
  const contentType = attributes.datacontenttype;
  if (contentType === undefined) attributes.datacontenttype = 'application/json';
  if (typeof event.data === 'string' && contentType !== undefined && !JSON_TYPE.test(contentType)) {
    return Buffer.from(event.data, 'utf8');
  }
  return Buffer.from(JSON.stringify(event.data), 'utf8');
}

function describeInvalid(error: unknown): string {
  if (error instanceof InvalidEventError) return error.message;
  if (error instanceof ValidationError) {
    const details = (error.errors ?? [])
      .map((e) => (typeof e === 'string' ? e : (e as { message?: string }).message))
      .filter(Boolean);
    return `invalid CloudEvent: ${details.length ? details.join('; ') : error.message.split('\n')[0]}`;
  }
  if (error instanceof SyntaxError) return `invalid CloudEvent: malformed JSON (${error.message})`;
  return `invalid CloudEvent: ${error instanceof Error ? error.message : String(error)}`;
}

/** AMQP bookkeeping headers (ours and RabbitMQ's) start with `x-`; CloudEvent attribute names cannot. */
export const isBookkeepingHeader = (name: string) => name.startsWith('x-');

export function envelopeToAmqp(envelope: EventEnvelope): { content: Buffer; options: Options.Publish } {
  const { attributes } = envelope;
  const time = attributes.time ? Date.parse(attributes.time) : NaN;
  return {
    content: envelope.data ?? Buffer.alloc(0),
    options: {
      headers: { ...attributes },
      persistent: true,
      messageId: attributes.id,
      contentType: attributes.datacontenttype,
      timestamp: Number.isNaN(time) ? undefined : Math.floor(time / 1000),
    },
  };
}

export function envelopeFromAmqp(message: Pick<Message, 'content' | 'properties'>): EventEnvelope {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.properties.headers ?? {})) {
    if (isBookkeepingHeader(name) || value === undefined || value === null) continue;
    attributes[name] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return { attributes, data: message.content.length > 0 ? message.content : undefined };
}

/** The HTTP request that delivers an envelope in binary mode (`ce-*` headers, data as the body). */
export function envelopeToBinaryHttp(envelope: EventEnvelope): { headers: OutgoingHttpHeaders; body: Buffer } {
  const event = new CloudEvent<Buffer>({ ...envelope.attributes, data: envelope.data }, false);
  const message = HTTP.binary(event);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = headerSafe(String(value));
  }
  if (envelope.data === undefined) delete headers['content-type'];
  return { headers, body: envelope.data ?? Buffer.alloc(0) };
}

/**
 * Node refuses header values outside printable ASCII; the CloudEvents HTTP binding percent-encodes
 * such characters (as UTF-8), so do that, and only that, to keep plain values unchanged.
 */
function headerSafe(value: string): string {
  return /[^\x20-\x7e]/.test(value)
    ? value.replace(/[^\x20-\x7e]+/gu, (run) => encodeURIComponent(run))
    : value;
}
