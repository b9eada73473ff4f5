import type { Transaction } from 'sequelize';
import { emit, type Caller } from '../kit';
import { ENGAGEMENT_EVENTS, type TicketCreated, type TicketPriority } from '../contracts/engagement';
import { Ticket, TicketAttachment, TicketMessage } from './database';
import { isAgent, visibleMessages } from './access';
import { visibleAttachments } from './attachments';
import { nextTicketNumber } from './ticket-number';
import { attachmentJson, messageJson } from './json';

export interface NewTicket {
  user_id: number | null;
  contact_name: string | null;
  contact_email: string | null;
  access_token_hash?: string | null;
  subject: string;
  description: string;
  priority?: TicketPriority;
  category?: string | null;
  order_id?: number | null;
  order_number?: string | null;
  metadata?: Record<string, unknown>;
}

/** Opens a ticket with the year's next number and emits ticket.created, in one transaction. */
export async function openTicket(values: NewTicket, transaction: Transaction): Promise<Ticket> {
  const ticket = await Ticket.create({
    ...values,
    ticket_number: await nextTicketNumber(transaction),
    category: values.category ?? null,
    order_id: values.order_id ?? null,
    order_number: values.order_number ?? null,
    metadata: values.metadata ?? null,
  }, { transaction });
  const data: TicketCreated = {
    id: ticket.id, ticket_number: ticket.ticket_number, user_id: ticket.user_id, email: ticket.contact_email, subject: ticket.subject,
    category: ticket.category, priority: ticket.priority, status: ticket.status, order_id: ticket.order_id, created_at: ticket.created_at.toISOString(),
  };
  await emit(transaction, ENGAGEMENT_EVENTS.ticketCreated, ticket.id, data);
  return ticket;
}

/** A ticket as its customer sees it; staff also see its metadata. */
export function ticketJson(ticket: Ticket, caller?: Caller) {
  return {
    id: ticket.id,
    ticket_number: ticket.ticket_number,
    user_id: ticket.user_id,
    name: ticket.contact_name,
    email: ticket.contact_email,
    subject: ticket.subject,
    description: ticket.description,
    priority: ticket.priority,
    status: ticket.status,
    category: ticket.category,
    assigned_to: ticket.assigned_to,
    order_id: ticket.order_id,
    order_number: ticket.order_number,
    ...(caller && isAgent(caller) ? { metadata: ticket.metadata } : {}),
    resolved_at: ticket.resolved_at,
    closed_at: ticket.closed_at,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
  };
}

/**
 * A ticket with the messages and attachments its reader may see: internal notes (and what is
 * attached to them) only for staff.
 */
export async function ticketWithThread(ticket: Ticket, caller?: Caller) {
  const messages = await TicketMessage.findAll({ where: { ticket_id: ticket.id, ...visibleMessages(caller) }, order: [['id', 'ASC']] });
  const attachments = await TicketAttachment.findAll({ where: visibleAttachments(caller, ticket.id), order: [['id', 'ASC']] });
  return { ...ticketJson(ticket, caller), messages: messages.map(messageJson), attachments: attachments.map(attachmentJson) };
}
