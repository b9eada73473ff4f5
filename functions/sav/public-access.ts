import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Transaction } from 'sequelize';
import { forbidden, notFound } from '../kit';
import { Ticket } from './database';
import { normalizeTicketNumber } from './ticket-number';

/**
 * A public ticket is reached with its access token (given once, at creation): sent as the
 * `X-Ticket-Token` header or the `token` query parameter. Only its SHA-256 is stored. A wrong
 * token and an unknown ticket answer the same 404, so neither tells whether a ticket exists.
 */
export const TOKEN_HEADER = 'x-ticket-token';

export function newAccessToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function presentedToken(headers: IncomingHttpHeaders, query: { token?: string }): string {
  const header = headers[TOKEN_HEADER];
  const token = (Array.isArray(header) ? header[0] : header) ?? query.token;
  if (!token) throw forbidden(`This ticket's access token is required (the ${TOKEN_HEADER} header or the token query parameter).`);
  return token.trim();
}

const matches = (token: string, hash: string | null) =>
  hash !== null && timingSafeEqual(Buffer.from(hashToken(token), 'hex'), Buffer.from(hash, 'hex'));

/** The public ticket named by its number (or id) whose token this is; locked inside `transaction`. */
export async function publicTicket(reference: string, token: string, transaction?: Transaction): Promise<Ticket> {
  const where = /^\d+$/.test(reference) ? { id: Number(reference) } : { ticket_number: normalizeTicketNumber(reference) };
  const ticket = await Ticket.findOne({ where, transaction, lock: transaction ? transaction.LOCK.UPDATE : undefined });
  if (!ticket || !matches(token, ticket.access_token_hash)) throw notFound('The ticket does not exist, or this is not its access token.');
  return ticket;
}
