import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { ValidateFunction } from 'ajv';
import { compile, fieldErrors } from '../validation';
import { currentScope } from '../context';
import { isProduction } from '../config';
import { relayFor, SENDER_GRACE_MS } from './relay';
import { sourceOf, type EventDeclaration } from './declarations';

/** Each declared type's schema, and its validator once the first emit of the type compiled it. */
const declared = new Map<string, { schema: EventDeclaration['schema']; validate?: ValidateFunction }>();

/** Makes event types emittable, with the schema their data must satisfy. */
export function declareEvents(declarations: EventDeclaration[]): void {
  for (const declaration of declarations) declared.set(declaration.type, { schema: declaration.schema });
}

export class UndeclaredEventError extends Error {}

/** Checks data against its type's declared schema: every emit in development and tests. */
export function checkEventData(type: string, data: unknown): void {
  const declaration = declared.get(type);
  if (!declaration) throw new UndeclaredEventError(`event type "${type}" is not declared by any registered service`);
  const validate = (declaration.validate ??= compile(declaration.schema));
  if (!validate(structuredClone(data))) {
    throw new UndeclaredEventError(`data of "${type}" does not match its schema: ${JSON.stringify(fieldErrors(validate.errors ?? [], 'data'))}`);
  }
}

/**
 * Records an event in the outbox, in the transaction of the change that causes it; it is sent to
 * the broker once the transaction commits (and retried until the broker takes it).
 */
export async function emit(transaction: Transaction, type: string, subject: string | number | undefined, data: unknown): Promise<string> {
  if (!isProduction()) checkEventData(type, data);
  const eventId = randomUUID();
  const sequelize = (transaction as unknown as { sequelize: Sequelize }).sequelize;
  const row = {
    event_id: eventId, type, source: sourceOf(type), subject: subject === undefined ? null : String(subject), data: JSON.stringify(data),
    request_id: currentScope()?.requestId ?? null, created_at: new Date(), attempts: 0,
  };
  const [id] = await sequelize.query(
    'INSERT INTO outbox_events (event_id, type, source, subject, data, request_id, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    {
      // Until next_attempt_at the drain leaves the row to this process, which sends it right after the commit.
      replacements: [row.event_id, row.type, row.source, row.subject, row.data, row.request_id, row.created_at, new Date(row.created_at.getTime() + SENDER_GRACE_MS)],
      type: QueryTypes.INSERT,
      transaction,
    },
  );
  transaction.afterCommit(() => relayFor(sequelize).sendCommitted([{ ...row, id: String(id) }]));
  return eventId;
}
