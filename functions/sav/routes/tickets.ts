import { Op, type WhereOptions } from 'sequelize';
import { conflict, escapeLike, idParams, invalid, listQuerySchema, paginate, reply, route, type Caller, type ListQuery } from '../../kit';
import type { TicketPriority, TicketStatus } from '../../contracts/engagement';
import { db, Ticket, TICKET_PRIORITIES, TICKET_STATUSES } from '../database';
import { ensureMayChange, ensurePermission, isAgent, ticketFor, visibleTickets } from '../access';
import { ensureAgent } from '../agents';
import { ensureVisibleOrder } from '../orders';
import { changeStatus, ensureCanMove, ensureNotClosed } from '../lifecycle';
import { openTicket, ticketJson, ticketWithThread } from '../tickets';
import { ticketStatistics } from '../statistics';
import { CATEGORY, clean, descriptionOf, DESCRIPTION, MESSAGE, NULLABLE_ID, PRIORITY, SUBJECT } from './fields';

type TicketListQuery = ListQuery & {
  status?: TicketStatus; priority?: TicketPriority; category?: string; assigned_to?: string; user_id?: number; order_id?: number; search?: string;
  date_from?: string; date_to?: string;
};

interface TicketBody {
  subject?: string;
  description?: string;
  message?: string;
  priority?: TicketPriority;
  category?: string | null;
  order_id?: number | null;
}

interface TicketChange extends TicketBody {
  status?: TicketStatus;
  assigned_to?: number | null;
}

const ticketFields = {
  subject: SUBJECT, description: DESCRIPTION, message: MESSAGE, priority: PRIORITY, category: CATEGORY,
  order_id: NULLABLE_ID,
};
const assignee = NULLABLE_ID;

const listQuery = listQuerySchema(['id', 'ticket_number', 'created_at', 'updated_at', 'priority', 'status', 'resolved_at'], {
  status: { type: 'string', enum: TICKET_STATUSES },
  priority: { type: 'string', enum: TICKET_PRIORITIES },
  category: { type: 'string', maxLength: 100 },
  assigned_to: { type: 'string', pattern: '^([1-9][0-9]{0,9}|me|none)$', description: 'an agent id, `me` or `none` (unassigned)' },
  user_id: { type: 'integer', minimum: 1, description: 'staff only' },
  order_id: { type: 'integer', minimum: 1 },
  search: { type: 'string', maxLength: 100, description: 'in the number, subject, description and contact e-mail' },
  date_from: { type: 'string', format: 'date', description: 'created on or after this day (UTC)' },
  date_to: { type: 'string', format: 'date', description: 'created on or before this day (UTC)' },
});

function listFilters(query: TicketListQuery, caller: Caller): WhereOptions<Ticket> {
  const where: Record<string | symbol, unknown> = {};
  for (const field of ['status', 'priority', 'category', 'order_id', 'user_id'] as const) if (query[field] !== undefined) where[field] = query[field];
  if (query.assigned_to !== undefined) where.assigned_to = query.assigned_to === 'none' ? null : query.assigned_to === 'me' ? caller.id : Number(query.assigned_to);
  if (query.date_from || query.date_to) {
    where.created_at = {
      ...(query.date_from ? { [Op.gte]: new Date(`${query.date_from}T00:00:00Z`) } : {}),
      ...(query.date_to ? { [Op.lt]: new Date(Date.parse(`${query.date_to}T00:00:00Z`) + 86_400_000) } : {}),
    };
  }
  const search = query.search?.trim();
  if (search) {
    const like = { [Op.like]: `%${escapeLike(search)}%` };
    where[Op.or] = [{ ticket_number: like }, { subject: like }, { description: like }, { contact_email: like }];
  }
  // The caller's scope last: a customer's user_id filter cannot widen it.
  return { ...where, ...visibleTickets(caller) } as WhereOptions<Ticket>;
}

/** What a ticket body's texts are stored as. */
function ticketValues(body: TicketBody) {
  const description = descriptionOf(body);
  return {
    ...(body.subject !== undefined ? { subject: body.subject.trim() } : {}),
    ...(description ? { description } : {}),
    ...(body.priority !== undefined ? { priority: body.priority } : {}),
    ...(body.category !== undefined ? { category: clean(body.category) } : {}),
    ...(body.order_id !== undefined ? { order_id: body.order_id } : {}),
  };
}

export const ticketRoutes = [
  route<{}, TicketListQuery>({
    method: 'GET', path: '/tickets', summary: "Tickets: a customer's own, or every one for support staff; filters status, priority, category, assigned_to, user_id, order_id, date_from, date_to, search",
    access: 'auth', query: listQuery,
    handler: async ({ user, query }) => {
      const page = await paginate(Ticket, { ...query, sort: query.sort ?? '-id' }, { where: listFilters(query, user) });
      return { ...page, data: page.data.map((ticket) => ticketJson(ticket, user)) };
    },
  }),
  route<{}, {}, TicketBody>({
    method: 'POST', path: '/tickets', summary: 'Open a ticket as the caller (a user_id field is ignored); emits ticket.created',
    access: 'auth', body: { type: 'object', required: ['subject'], properties: ticketFields },
    handler: async ({ user, body }) => {
      const values = ticketValues(body);
      if (!values.description) throw invalid({ description: ['The description field is required.'] });
      if (values.order_id) await ensureVisibleOrder(values.order_id);
      const ticket = await db.sequelize.transaction((transaction) => openTicket({
        ...values, subject: values.subject!, description: values.description!, user_id: user.id, contact_name: null, contact_email: user.email, metadata: { source: 'account' },
      }, transaction));
      return reply.created(ticketJson(await ticket.reload(), user));
    },
  }),
  route({
    method: 'GET', path: '/tickets/statistics', summary: 'Counts per status, priority and agent, and the average resolution time (of the tickets the caller sees)',
    access: 'auth', handler: ({ user }) => ticketStatistics(isAgent(user) ? undefined : user.id),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/tickets/:id', summary: 'One ticket with its messages and attachments (internal notes for staff only)', access: 'auth', params: idParams,
    handler: async ({ user, params }) => ticketWithThread(await ticketFor(user, params.id), user),
  }),
  route<{ id: number }, {}, TicketChange>({
    method: 'PUT', path: '/tickets/:id', summary: 'Change a ticket (only the fields sent); status and assigned_to are for staff (support.respond; closing support.close)',
    access: 'auth', params: idParams, body: { type: 'object', properties: { ...ticketFields, status: { type: 'string', enum: TICKET_STATUSES }, assigned_to: assignee } },
    handler: async ({ user, params, body }) => {
      // A customer's status and assigned_to are ignored, as any field they may not set.
      const staff = isAgent(user);
      const assigning = staff && body.assigned_to !== undefined;
      if (assigning) ensurePermission(user, 'support.respond');
      if (assigning && body.assigned_to !== null) await ensureAgent(body.assigned_to!, user);
      // A client sending the ticket back as it is does not link its order again.
      if (body.order_id && body.order_id !== (await ticketFor(user, params.id)).order_id) await ensureVisibleOrder(body.order_id);
      await db.sequelize.transaction(async (transaction) => {
        const ticket = await ticketFor(user, params.id, transaction);
        ensureMayChange(user, ticket);
        ensureNotClosed(ticket);
        if (assigning) await ticket.update({ assigned_to: body.assigned_to }, { transaction });
        await ticket.update(ticketValues(body), { transaction });
        if (staff && body.status !== undefined && body.status !== ticket.status) {
          if (body.status === 'closed') ensurePermission(user, 'support.close');
          await changeStatus(ticket, body.status, user.id, transaction);
        }
      });
      return ticketJson(await ticketFor(user, params.id), user);
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/tickets/:id', summary: 'Delete a ticket (soft): its owner, or staff with support.respond', access: 'auth', params: idParams,
    response: { status: 204 },
    handler: async ({ user, params }) => {
      await db.sequelize.transaction(async (transaction) => {
        const ticket = await ticketFor(user, params.id, transaction);
        ensureMayChange(user, ticket);
        await ticket.destroy({ transaction });
      });
      return reply.noContent();
    },
  }),
  route<{ id: number }, {}, { assigned_to: number | null }>({
    method: 'POST', path: '/tickets/:id/assign', summary: 'Assign a ticket to an agent (null: unassign); an open ticket goes in progress',
    access: { permission: 'support.respond' }, params: idParams,
    body: { type: 'object', required: ['assigned_to'], properties: { assigned_to: assignee } },
    response: { status: 200 },
    handler: async ({ user, params, body }) => {
      if (body.assigned_to !== null) await ensureAgent(body.assigned_to, user);
      await db.sequelize.transaction(async (transaction) => {
        const ticket = await ticketFor(user, params.id, transaction);
        if (ticket.status === 'resolved' || ticket.status === 'closed') throw conflictOn(ticket.status);
        await ticket.update({ assigned_to: body.assigned_to }, { transaction });
        if (body.assigned_to !== null && ticket.status === 'open') await changeStatus(ticket, 'in_progress', user.id, transaction);
      });
      return ticketJson(await ticketFor(user, params.id), user);
    },
  }),
  statusRoute('resolve', 'resolved', 'support.respond', 'Resolve a ticket'),
  statusRoute('close', 'closed', 'support.close', 'Close a ticket (final)'),
];

const conflictOn = (status: TicketStatus) => conflict(`A ${status} ticket cannot be assigned.`);

/** POST /tickets/:id/<action>: one legal move, 409 otherwise. */
function statusRoute(action: string, to: TicketStatus, permission: string, summary: string) {
  return route<{ id: number }>({
    method: 'POST', path: `/tickets/:id/${action}`, summary: `${summary} (illegal from its status: 409)`, access: { permission }, params: idParams,
    response: { status: 200 },
    handler: async ({ user, params }) => {
      await db.sequelize.transaction(async (transaction) => {
        const ticket = await ticketFor(user, params.id, transaction);
        ensureCanMove(ticket, to);
        await changeStatus(ticket, to, user.id, transaction);
      });
      return ticketJson(await ticketFor(user, params.id), user);
    },
  });
}
