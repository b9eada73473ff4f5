import type { ResultSetHeader } from 'mysql2';
import type { Transaction } from 'sequelize';
import { forbidden, idParams, listQuerySchema, notFound, paginate, reply, route, statements, type Caller, type ListQuery } from '../../kit';
import { db, TicketMessage, type SenderType, type Ticket } from '../database';
import { ensureAuthorOrResponder, isAgent, ticketFor, visibleMessages } from '../access';
import { messageJson } from '../json';
import { addMessage } from '../messages';
import { ensureNotClosed } from '../lifecycle';
import { ID, idParam, MESSAGE } from './fields';

const { run, select } = statements('sav');

const sideOf = (caller: Caller): SenderType => (isAgent(caller) ? 'agent' : 'customer');
/** Whose messages the caller reads: a customer reads the agents', an agent the customers'. */
const otherSide = (caller: Caller): SenderType => (isAgent(caller) ? 'customer' : 'agent');

/** A message the caller may see, with its ticket (one they may see; no internal note for a customer). */
async function messageFor(caller: Caller, id: number, transaction?: Transaction): Promise<{ message: TicketMessage; ticket: Ticket }> {
  const message = await TicketMessage.findOne({ where: { id, ...visibleMessages(caller) }, transaction, lock: transaction ? transaction.LOCK.UPDATE : undefined });
  if (!message) throw notFound('The message does not exist.');
  return { message, ticket: await ticketFor(caller, message.ticket_id, transaction) };
}

/**
 * The unread messages from the other side that the caller may see (on live tickets: all of them
 * for staff, the caller's own for a customer), as SQL conditions on `m` and `t`.
 */
function unreadFor(caller: Caller, ticketId?: number): { sql: string; params: Array<string | number> } {
  const conditions = ['m.deleted_at IS NULL', 'm.read_at IS NULL', 'm.is_internal = 0', 'm.sender_type = ?', 't.deleted_at IS NULL'];
  const params: Array<string | number> = [otherSide(caller)];
  if (!isAgent(caller)) {
    conditions.push('t.user_id = ?');
    params.push(caller.id);
  }
  if (ticketId !== undefined) {
    conditions.push('m.ticket_id = ?');
    params.push(ticketId);
  }
  return { sql: `ticket_messages m JOIN support_tickets t ON t.id = m.ticket_id WHERE ${conditions.join(' AND ')}`, params };
}

const messageParams = idParam('mid');
type MessageBody = { message: string; is_internal?: boolean };

export const messageRoutes = [
  route<{ id: number }, ListQuery>({
    method: 'GET', path: '/tickets/:id/messages', summary: "A ticket's messages, oldest first (internal notes for staff only)", access: 'auth',
    params: idParams, query: listQuerySchema(['id', 'created_at']),
    handler: async ({ user, params, query }) => {
      const ticket = await ticketFor(user, params.id);
      const page = await paginate(TicketMessage, query, { where: { ticket_id: ticket.id, ...visibleMessages(user) } });
      return { ...page, data: page.data.map(messageJson) };
    },
  }),
  route<{ id: number }, {}, MessageBody>({
    method: 'POST', path: '/tickets/:id/messages', summary: "Write on a ticket: an agent's answer waits for the customer, the customer's reopens a resolved ticket; is_internal for staff",
    access: 'auth', params: idParams, body: { type: 'object', required: ['message'], properties: { message: MESSAGE, is_internal: { type: 'boolean' } } },
    handler: async ({ user, params, body }) => {
      const message = await db.sequelize.transaction(async (transaction) => {
        const ticket = await ticketFor(user, params.id, transaction);
        // A customer's is_internal is ignored: their messages are always for the agents to read.
        const isInternal = isAgent(user) && body.is_internal === true;
        return addMessage(ticket, { id: user.id, type: sideOf(user) }, body.message.trim(), isInternal, transaction);
      });
      return reply.created(messageJson(message));
    },
  }),
  route({
    method: 'GET', path: '/messages/unread-count', summary: "How many messages from the other side the caller has not read (a customer: agents' answers on their tickets; staff: customers' messages)",
    access: 'auth',
    handler: async ({ user }) => {
      const unread = unreadFor(user);
      const [row] = await select<{ count: number | string }>(`SELECT COUNT(*) AS count FROM ${unread.sql}`, unread.params);
      return { unread_count: Number(row.count) };
    },
  }),
  route<{}, {}, { ticket_id?: number }>({
    method: 'POST', path: '/messages/mark-all-read', summary: 'Mark every unread message from the other side as read (of one ticket with ticket_id)', access: 'auth',
    body: { type: 'object', properties: { ticket_id: ID } }, response: { status: 200 },
    handler: async ({ user, body }) => {
      if (body.ticket_id !== undefined) await ticketFor(user, body.ticket_id);
      const unread = unreadFor(user, body.ticket_id);
      const result = await run<ResultSetHeader>(`UPDATE ${unread.sql.replace(' WHERE ', ' SET m.read_at = UTC_TIMESTAMP() WHERE ')}`, unread.params);
      return { message: `${result.affectedRows} message(s) marked as read.`, marked: result.affectedRows };
    },
  }),
  route<{ mid: number }>({
    method: 'GET', path: '/messages/:mid', summary: 'One message', access: 'auth', params: messageParams,
    handler: async ({ user, params }) => messageJson((await messageFor(user, params.mid)).message),
  }),
  route<{ mid: number }, {}, Partial<MessageBody>>({
    method: 'PUT', path: '/messages/:mid', summary: 'Edit a message (its author only; is_internal for staff)', access: 'auth', params: messageParams,
    body: { type: 'object', properties: { message: MESSAGE, is_internal: { type: 'boolean' } } },
    handler: async ({ user, params, body }) => {
      await db.sequelize.transaction(async (transaction) => {
        const { message, ticket } = await messageFor(user, params.mid, transaction);
        if (message.sender_id !== user.id) throw forbidden('Only its author may edit a message.');
        ensureNotClosed(ticket);
        await message.update({
          ...(body.message !== undefined ? { message: body.message.trim() } : {}),
          ...(body.is_internal !== undefined && isAgent(user) ? { is_internal: body.is_internal } : {}),
        }, { transaction });
      });
      return messageJson((await messageFor(user, params.mid)).message);
    },
  }),
  route<{ mid: number }>({
    method: 'DELETE', path: '/messages/:mid', summary: 'Delete a message (soft): its author, or staff with support.respond', access: 'auth', params: messageParams,
    response: { status: 204 },
    handler: async ({ user, params }) => {
      await db.sequelize.transaction(async (transaction) => {
        const { message, ticket } = await messageFor(user, params.mid, transaction);
        ensureAuthorOrResponder(user, message.sender_id, 'message');
        ensureNotClosed(ticket);
        await message.destroy({ transaction });
      });
      return reply.noContent();
    },
  }),
  route<{ mid: number }>({
    method: 'POST', path: '/messages/:mid/mark-read', summary: 'Mark a message from the other side as read (the caller\'s own stay as they are)', access: 'auth',
    params: messageParams, response: { status: 200 },
    handler: async ({ user, params }) => {
      const { message } = await messageFor(user, params.mid);
      if (message.sender_type === otherSide(user) && message.read_at === null) await message.update({ read_at: new Date() });
      return messageJson(message);
    },
  }),
];
