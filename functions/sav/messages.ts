import type { Transaction } from 'sequelize';
import { emit } from '../kit';
import { ENGAGEMENT_EVENTS, type TicketMessageAdded, type TicketStatus } from '../contracts/engagement';
import { TicketMessage, type SenderType, type Ticket } from './database';
import { changeStatus, ensureNotClosed } from './lifecycle';

export interface Sender {
  id: number | null;
  type: SenderType;
}

/**
 * Where a message moves its ticket: an agent's answer puts the ball in the customer's court; the
 * customer writing again on a resolved ticket, or answering the agent, reopens it. Internal notes
 * move nothing.
 */
function statusAfter(ticket: Ticket, sender: SenderType, isInternal: boolean): TicketStatus | undefined {
  if (isInternal) return undefined;
  if (sender === 'agent') return ticket.status === 'open' || ticket.status === 'in_progress' ? 'waiting_customer' : undefined;
  return ticket.status === 'resolved' || ticket.status === 'waiting_customer' ? 'open' : undefined;
}

/** Adds a message to a ticket (locked in `transaction`), moves its status, emits message-added. */
export async function addMessage(ticket: Ticket, sender: Sender, text: string, isInternal: boolean, transaction: Transaction): Promise<TicketMessage> {
  ensureNotClosed(ticket);
  const message = await TicketMessage.create({ ticket_id: ticket.id, sender_id: sender.id, sender_type: sender.type, message: text, is_internal: isInternal }, { transaction });
  const data: TicketMessageAdded = {
    id: ticket.id, ticket_number: ticket.ticket_number, message_id: message.id, sender_type: sender.type, is_internal: isInternal, at: message.created_at.toISOString(),
  };
  await emit(transaction, ENGAGEMENT_EVENTS.ticketMessageAdded, ticket.id, data);
  const next = statusAfter(ticket, sender.type, isInternal);
  if (next) await changeStatus(ticket, next, sender.id, transaction);
  else {
    ticket.changed('updated_at', true);
    await ticket.save({ transaction });
  }
  return message;
}
