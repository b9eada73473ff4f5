import type { Transaction, WhereOptions } from 'sequelize';
import { forbidden, hasPermission, notFound, type Caller } from '../kit';
import { Ticket } from './database';

export const SUPPORT_PERMISSIONS = ['support.view', 'support.respond', 'support.close'];

/** Support staff: any support.* permission. They see every ticket and speak as the agent side. */
export const isAgent = (caller: Caller) => SUPPORT_PERMISSIONS.some((permission) => hasPermission(caller, permission));

/** Which tickets a caller may read: all for support staff, their own for anyone else. */
export const visibleTickets = (caller: Caller): WhereOptions<Ticket> => (isAgent(caller) ? {} : { user_id: caller.id });

/** A ticket the caller may see (locked for update inside `transaction` when given); another's is a 404. */
export async function ticketFor(caller: Caller, id: number, transaction?: Transaction): Promise<Ticket> {
  const ticket = await Ticket.findOne({ where: { ...visibleTickets(caller), id }, transaction, lock: transaction ? transaction.LOCK.UPDATE : undefined });
  if (!ticket) throw notFound('The ticket does not exist.');
  return ticket;
}

/**
 * Changing a ticket someone else owns takes `permission` (support.respond by default); its owner
 * may always. A caller who cannot see the ticket got a 404 before this.
 */
export function ensureMayChange(caller: Caller, ticket: Ticket, permission = 'support.respond'): void {
  if (ticket.user_id !== caller.id) ensurePermission(caller, permission);
}

export function ensurePermission(caller: Caller, permission: string): void {
  if (!hasPermission(caller, permission)) throw forbidden(`This action needs the ${permission} permission.`);
}

/** A message or an attachment is changed by who wrote it, or by staff with support.respond. */
export function ensureAuthorOrResponder(caller: Caller, authorId: number | null, noun: string): void {
  if (authorId !== caller.id && !hasPermission(caller, 'support.respond')) throw forbidden(`Only its author or an agent (support.respond) may do this to a ${noun}.`);
}

/** Messages the caller may see: customers never see internal notes. */
export const visibleMessages = (caller: Caller | undefined) => (caller && isAgent(caller) ? {} : { is_internal: false });
