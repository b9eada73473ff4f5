/**
 * What the engagement services (newsletters, sav, contacts, websites) tell the others: each event
 * type's data as a TypeScript type and a JSON Schema. Producers declare these in their `emits`;
 * consumers read them with `contractData`.
 */
import type { EventDeclaration } from '../kit/events/declarations';
import { id, money, nullableId, nullableMoney, nullableText, object, oneOf, text, timestamp } from './schema';

export const ENGAGEMENT_EVENTS = {
  subscriberSubscribed: 'ecommerce.newsletters.subscriber.subscribed',
  subscriberUnsubscribed: 'ecommerce.newsletters.subscriber.unsubscribed',
  campaignSent: 'ecommerce.newsletters.campaign.sent',
  ticketCreated: 'ecommerce.sav.ticket.created',
  ticketStatusChanged: 'ecommerce.sav.ticket.status-changed',
  ticketMessageAdded: 'ecommerce.sav.ticket.message-added',
  contactMessageReceived: 'ecommerce.contacts.message.received',
  websiteUpdated: 'ecommerce.websites.website.updated',
} as const;

// ---- newsletters ------------------------------------------------------------------------------

/** A subscriber confirmed their subscription (double opt-in done). */
export interface SubscriberSubscribed { id: number; email: string; name: string | null; source: string | null; subscribed_at: string }
/** A subscriber left the list: by unsubscribing, by bouncing three times, by a complaint, or deleted by staff. */
export interface SubscriberUnsubscribed { id: number; email: string; reason: 'unsubscribed' | 'bounced' | 'complained' | 'deleted'; unsubscribed_at: string }
export interface CampaignSent { id: number; name: string; subject: string; total_recipients: number; sent: number; failed: number; sent_at: string }

// ---- sav --------------------------------------------------------------------------------------

export type TicketStatus = 'open' | 'in_progress' | 'waiting_customer' | 'resolved' | 'closed';
export type TicketPriority = 'low' | 'medium' | 'high' | 'urgent';
const ticketStatus = oneOf('open', 'in_progress', 'waiting_customer', 'resolved', 'closed');

/** `user_id` is null for a public ticket (then `email` is the contact's). */
export interface TicketCreated {
  id: number; ticket_number: string; user_id: number | null; email: string | null; subject: string;
  category: string | null; priority: TicketPriority; status: TicketStatus; order_id: number | null; created_at: string;
}
export interface TicketStatusChanged { id: number; ticket_number: string; user_id: number | null; from: TicketStatus; to: TicketStatus; by: number | null; at: string }
export interface TicketMessageAdded { id: number; ticket_number: string; message_id: number; sender_type: 'customer' | 'agent'; is_internal: boolean; at: string }

// ---- contacts ---------------------------------------------------------------------------------

/** A contact-form submission. */
export interface ContactMessageReceived { id: number; contact_id: number; name: string; email: string; subject: string; received_at: string }

// ---- websites ---------------------------------------------------------------------------------

/** A site's configuration (`websites.settings`), validated against its schema by websites. */
export interface WebsiteSettings {
  currency: string;
  locale: string;
  contact_email: string | null;
  /** VAT included, per delivery method. */
  shipping_costs: { standard: string; express: string; pickup: string };
  /** A basket whose goods reach this total (VAT included) ships free; null: never. */
  free_shipping_threshold: string | null;
  theme: { primary_color: string; secondary_color: string };
  logo_key: string | null;
}
/** A website was created, changed or deleted (`deleted`): consumers keep the settings they use. */
export interface WebsiteUpdated { id: number; name: string; domain: string; is_active: boolean; is_default: boolean; deleted: boolean; settings: WebsiteSettings; updated_at: string }

const websiteSettings = object({
  currency: { type: 'string', pattern: '^[A-Z]{3}$' },
  locale: text,
  contact_email: nullableText,
  shipping_costs: object({ standard: money, express: money, pickup: money }),
  free_shipping_threshold: nullableMoney,
  theme: object({ primary_color: text, secondary_color: text }),
  logo_key: nullableText,
});

const E = ENGAGEMENT_EVENTS;
const declare = (type: string, description: string, schema: Record<string, unknown>): [string, EventDeclaration] => [type, { type, description, schema }];

export const engagementEvents: Record<string, EventDeclaration> = Object.fromEntries([
  declare(E.subscriberSubscribed, 'A newsletter subscriber confirmed their subscription.',
    object({ id, email: text, name: nullableText, source: nullableText, subscribed_at: timestamp })),
  declare(E.subscriberUnsubscribed, 'A newsletter subscriber left the list (unsubscribed, bounced, complained or deleted).',
    object({ id, email: text, reason: oneOf('unsubscribed', 'bounced', 'complained', 'deleted'), unsubscribed_at: timestamp })),
  declare(E.campaignSent, 'A campaign finished sending.',
    object({ id, name: text, subject: text, total_recipients: { type: 'integer' }, sent: { type: 'integer' }, failed: { type: 'integer' }, sent_at: timestamp })),
  declare(E.ticketCreated, 'A support ticket was opened (by a customer, or publicly with an e-mail).',
    object({ id, ticket_number: text, user_id: nullableId, email: nullableText, subject: text, category: nullableText, priority: oneOf('low', 'medium', 'high', 'urgent'), status: ticketStatus, order_id: nullableId, created_at: timestamp })),
  declare(E.ticketStatusChanged, "A support ticket's status changed.",
    object({ id, ticket_number: text, user_id: nullableId, from: ticketStatus, to: ticketStatus, by: nullableId, at: timestamp })),
  declare(E.ticketMessageAdded, 'A message was added to a support ticket.',
    object({ id, ticket_number: text, message_id: id, sender_type: oneOf('customer', 'agent'), is_internal: { type: 'boolean' }, at: timestamp })),
  declare(E.contactMessageReceived, 'Someone sent the contact form.',
    object({ id, contact_id: id, name: text, email: text, subject: text, received_at: timestamp })),
  declare(E.websiteUpdated, "A website's configuration was created, changed or deleted.",
    object({ id, name: text, domain: text, is_active: { type: 'boolean' }, is_default: { type: 'boolean' }, deleted: { type: 'boolean' }, settings: websiteSettings, updated_at: timestamp })),
]);
