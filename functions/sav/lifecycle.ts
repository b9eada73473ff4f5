import type { Transaction } from 'sequelize';
import { conflict, emit } from '../kit';
import { ENGAGEMENT_EVENTS, type TicketStatus, type TicketStatusChanged } from '../contracts/engagement';
import type { Ticket } from './database';

/**
 * The legal moves of a ticket (anything else is a 409):
 * - open → in_progress (an agent takes it), waiting_customer (an agent answered), resolved, closed;
 * - in_progress → waiting_customer, resolved, closed;
 * - waiting_customer → open (the customer answered), in_progress, resolved, closed;
 * - resolved → open (the customer wrote again, or staff reopen it), closed;
 * - closed is final.
 */
export const TRANSITIONS: Record<TicketStatus, TicketStatus[]> = {
  open: ['in_progress', 'waiting_customer', 'resolved', 'closed'],
  in_progress: ['waiting_customer', 'resolved', 'closed'],
  waiting_customer: ['open', 'in_progress', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: [],
};

export const canMove = (from: TicketStatus, to: TicketStatus) => TRANSITIONS[from].includes(to);

export function ensureCanMove(ticket: Ticket, to: TicketStatus): void {
  if (!canMove(ticket.status, to)) throw conflict(`A ticket cannot go from ${ticket.status} to ${to}.`);
}

/** Messages and changes go to tickets that are not closed. */
export function ensureNotClosed(ticket: Ticket): void {
  if (ticket.status === 'closed') throw conflict('The ticket is closed.');
}

/**
 * Moves a ticket (locked in `transaction`) to another status: checks the move, keeps resolved_at
 * and closed_at, and emits status-changed in the same transaction.
 */
export async function changeStatus(ticket: Ticket, to: TicketStatus, by: number | null, transaction: Transaction): Promise<void> {
  const from = ticket.status;
  ensureCanMove(ticket, to);
  const now = new Date();
  await ticket.update({
    status: to,
    ...(to === 'resolved' ? { resolved_at: now } : {}),
    ...(to === 'open' ? { resolved_at: null } : {}),
    ...(to === 'closed' ? { closed_at: now } : {}),
  }, { transaction });
  const data: TicketStatusChanged = { id: ticket.id, ticket_number: ticket.ticket_number, user_id: ticket.user_id, from, to, by, at: now.toISOString() };
  await emit(transaction, ENGAGEMENT_EVENTS.ticketStatusChanged, ticket.id, data);
}
