import type { Transaction } from 'sequelize';
import { emit, idParams, notFound, optionalText, reply, requiredText, route } from '../../kit';
import { ENGAGEMENT_EVENTS, type ContactMessageReceived } from '../../contracts/engagement';
import { ContactMessage, db, sql } from '../database';
import { normalizeEmail, splitName } from '../contacts';
import { channelsOf, recordEngagement, subscribe, unsubscribe, type Channel } from '../engagement';
import { unsubscribeFromList } from '../membership';
import { upsertContact } from '../upsert';
import { channel, channelOrAll, countryCode, email } from './fields';
import { messageJson } from './messages';

interface ContactForm { name: string; email: string; subject: string; message: string }
interface Subscription { email: string; name?: string | null; first_name?: string | null; last_name?: string | null; language?: string | null; country?: string | null; type?: Channel }

/** The live contact of an e-mail, locked; undefined when there is none. */
async function contactIdOf(address: string, transaction: Transaction) {
  const [row] = await sql.select<{ id: number }>('SELECT id FROM contacts WHERE live_email = ? FOR UPDATE', [normalizeEmail(address)], transaction);
  return row?.id;
}

export const publicRoutes = [
  route<{}, {}, ContactForm>({
    method: 'POST', path: '/contact', summary: 'The contact form: stores the message and makes (or completes) the contact of its sender', access: 'public',
    body: { type: 'object', required: ['name', 'email', 'subject', 'message'], properties: { name: requiredText(255), email, subject: requiredText(255), message: requiredText(10_000) } },
    handler: async ({ body, ip }) => {
      const sent = await db.sequelize.transaction(async (transaction) => {
        const contactId = await upsertContact(transaction, body.email, 'contact_form', splitName(body.name));
        const message = await ContactMessage.create({
          contact_id: contactId, name: body.name.trim(), email: normalizeEmail(body.email), subject: body.subject.trim(), message: body.message.trim(), ip,
        }, { transaction });
        const event: ContactMessageReceived = {
          id: message.id, contact_id: contactId, name: message.name, email: message.email, subject: message.subject, received_at: message.created_at.toISOString(),
        };
        await emit(transaction, ENGAGEMENT_EVENTS.contactMessageReceived, message.id, event);
        return message.id;
      });
      // The sender sees what they sent, not how it was filed.
      const { contact_id: _contact, ip: _ip, ...answer } = messageJson((await ContactMessage.findByPk(sent))!);
      return reply.created(answer);
    },
  }),
  route<{}, {}, Subscription>({
    method: 'POST', path: '/public/subscribe', summary: 'Subscribe an e-mail (newsletter by default); makes the contact when new (source newsletter_signup)', access: 'public',
    body: {
      type: 'object', required: ['email'],
      properties: { email, name: optionalText(255), first_name: optionalText(255), last_name: optionalText(255), language: countryCode, country: countryCode, type: channel },
    },
    response: { status: 200 },
    handler: async ({ body }) => {
      const names = body.first_name || body.last_name ? { first_name: body.first_name ?? null, last_name: body.last_name ?? null } : splitName(body.name);
      await db.sequelize.transaction(async (transaction) => {
        const id = await upsertContact(transaction, body.email, 'newsletter_signup', {
          ...names, language: body.language?.toLowerCase() ?? null, country: body.country?.toUpperCase() ?? null,
        });
        await subscribe([id], [body.type ?? 'newsletter'], transaction);
      });
      return { message: 'You are subscribed.', email: normalizeEmail(body.email) };
    },
  }),
  route<{}, {}, { email: string; type?: Channel | 'all'; list_id?: number }>({
    method: 'POST', path: '/public/unsubscribe',
    summary: 'Unsubscribe an e-mail from a channel or from all (the default), or from one list (`list_id`); the same answer whether it is known or not',
    access: 'public',
    body: { type: 'object', required: ['email'], properties: { email, type: channelOrAll, list_id: { type: 'integer', minimum: 1 } } },
    response: { status: 200 },
    handler: async ({ body }) => {
      await db.sequelize.transaction(async (transaction) => {
        const id = await contactIdOf(body.email, transaction);
        if (!id) return;
        if (body.list_id) await unsubscribeFromList(body.list_id, id, transaction);
        else await unsubscribe([id], channelsOf(body.type, 'all'), transaction);
      });
      return { message: 'You are unsubscribed.' };
    },
  }),
  ...(['opened', 'clicked'] as const).map((type) => route<{ id: number }>({
    method: 'POST', path: `/public/track/:id/${type}`, summary: `Tracks that a contact ${type} a mail`, access: 'public', params: idParams, response: { status: 200 },
    handler: async ({ params }) => {
      if (!(await db.sequelize.transaction((transaction) => recordEngagement(params.id, type, transaction)))) throw notFound('The contact does not exist.');
      return { message: `Recorded: ${type}.` };
    },
  })),
];
