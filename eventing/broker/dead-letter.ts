import type { Message, Options } from 'amqplib';
import type { HttpResult } from './http-delivery';

/** Knative caps knativeerrordata at 1024 characters of base64. */
const MAX_ERROR_DATA_BASE64 = 1024;

export interface DeliveryFailure {
  trigger: string;
  destination: string;
  attempts: number;
  /** The last answer, or why none came. */
  result: HttpResult;
}

/**
 * The extensions Knative adds to an event it dead-letters: the subscriber's status code
 * (0 when it never answered), its URL, and its answer's body (here the network error when there was none).
 */
export function knativeErrorExtensions(failure: DeliveryFailure): Record<string, string> {
  const { result } = failure;
  const detail = result.status === undefined ? Buffer.from(result.error ?? 'no answer') : result.body;
  const maxBytes = (MAX_ERROR_DATA_BASE64 / 4) * 3;
  return {
    knativeerrorcode: String(result.status ?? 0),
    knativeerrordest: failure.destination,
    knativeerrordata: detail.subarray(0, maxBytes).toString('base64'),
  };
}

/** Bookkeeping headers of a dead-lettered message (not CloudEvent attributes: they start with `x-`). */
export const DEAD_LETTER_HEADERS = {
  trigger: 'x-failure-trigger',
  time: 'x-failure-time',
  attempts: 'x-failure-attempts',
  reason: 'x-failure-reason',
} as const;

export function failureReason(result: HttpResult): string {
  return result.status === undefined ? (result.error ?? 'no answer') : `HTTP ${result.status}`;
}

/** The message that goes to the trigger's dead-letter queue: the event as delivered, plus what went wrong. */
export function deadLetterMessage(original: Message, failure: DeliveryFailure): { content: Buffer; options: Options.Publish } {
  const { properties } = original;
  return {
    content: original.content,
    options: {
      headers: {
        ...properties.headers,
        ...knativeErrorExtensions(failure),
        [DEAD_LETTER_HEADERS.trigger]: failure.trigger,
        [DEAD_LETTER_HEADERS.time]: new Date().toISOString(),
        [DEAD_LETTER_HEADERS.attempts]: failure.attempts,
        [DEAD_LETTER_HEADERS.reason]: failureReason(failure.result),
      },
      persistent: true,
      messageId: properties.messageId,
      contentType: properties.contentType,
      timestamp: properties.timestamp,
    },
  };
}

/** Headers to put back on a replayed event: its own attributes only. */
export function withoutFailureHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.startsWith('x-') || name.startsWith('knativeerror')) continue;
    kept[name] = value;
  }
  return kept;
}

/** Rows of text as aligned columns, the first row being the header (what the dead-letter tools print). */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}
