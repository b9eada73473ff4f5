import { db } from '../database';
import { invalid, optionalText, reply, requiredText, route } from '../../kit';
import { messageJson } from '../json';
import { addMessage } from '../messages';
import { newAccessToken, presentedToken, publicTicket } from '../public-access';
import { openTicket, ticketJson, ticketWithThread } from '../tickets';
import { CATEGORY, clean, descriptionOf, DESCRIPTION, MESSAGE, PRIORITY, SUBJECT } from './fields';
import type { TicketPriority } from '../../contracts/engagement';

interface PublicTicketBody {
  name?: string | null;
  email: string;
  subject: string;
  description?: string;
  message?: string;
  category?: string | null;
  priority?: TicketPriority;
  order_number?: string | null;
}

const tokenQuery = { type: 'object', properties: { token: { type: 'string', minLength: 1, maxLength: 200 } } };
const referenceParams = (name: string) => ({ type: 'object', required: [name], properties: { [name]: requiredText(64) } });

export const publicRoutes = [
  route<{}, {}, PublicTicketBody>({
    method: 'POST', path: '/public/tickets', summary: 'Open a ticket without an account: answers its number and the access token of the public routes (shown once)',
    access: 'public',
    body: {
      type: 'object', required: ['email', 'subject'],
      properties: {
        name: optionalText(255), email: { type: 'string', format: 'email', maxLength: 255 }, subject: SUBJECT,
        description: DESCRIPTION, message: MESSAGE, category: CATEGORY, priority: PRIORITY, order_number: optionalText(64),
      },
    },
    handler: async ({ body, ip, headers }) => {
      const description = descriptionOf(body);
      if (!description) throw invalid({ description: ['The description field is required (or send it as message).'] });
      const access = newAccessToken();
      const ticket = await db.sequelize.transaction((transaction) => openTicket({
        user_id: null, contact_name: clean(body.name), contact_email: body.email.trim().toLowerCase(), access_token_hash: access.hash,
        subject: body.subject.trim(), description, priority: body.priority, category: clean(body.category), order_number: clean(body.order_number),
        metadata: { source: 'public', ip, user_agent: headers['user-agent']?.slice(0, 255) ?? null },
      }, transaction));
      return reply.created({ ...ticketJson(await ticket.reload()), access_token: access.token });
    },
  }),
  route<{ ticketNumber: string }, { token?: string }>({
    method: 'GET', path: '/public/tickets/:ticketNumber', summary: 'A public ticket with its messages (its access token: X-Ticket-Token header or ?token=)',
    access: 'public', params: referenceParams('ticketNumber'), query: tokenQuery,
    handler: async ({ params, query, headers }) => ticketWithThread(await publicTicket(params.ticketNumber, presentedToken(headers, query))),
  }),
  route<{ ticketId: string }, { token?: string }, { message: string }>({
    method: 'POST', path: '/public/tickets/:ticketId/messages', summary: "Answer on a public ticket (by id or number, with its access token); reopens a resolved one",
    access: 'public', params: referenceParams('ticketId'), query: tokenQuery,
    body: { type: 'object', required: ['message'], properties: { message: MESSAGE } },
    handler: async ({ params, query, headers, body }) => {
      const token = presentedToken(headers, query);
      const message = await db.sequelize.transaction(async (transaction) => {
        const ticket = await publicTicket(params.ticketId, token, transaction);
        return addMessage(ticket, { id: null, type: 'customer' }, body.message.trim(), false, transaction);
      });
      return reply.created(messageJson(message));
    },
  }),
];
