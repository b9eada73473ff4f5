import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import type { Call } from '../helpers/http';
import { agent, customer, freshId, newTicket, orderOf, outboxFor, startSav, tokens, type SavHarness } from './helpers';

const it = suite('sav: tickets');
let sav: SavHarness;
let call: Call;

it.before(async () => {
  sav = await startSav();
  call = sav.call;
});
it.after(() => sav.close());

it('a customer opens a ticket: 201, a readable number, open, owned by the caller whatever the body says; ticket.created emitted', async () => {
  const me = customer();
  const order = await orderOf(me.id);
  const res = await call('POST', '/tickets', {
    token: me.token,
    body: { subject: '  Broken lamp ', description: 'It arrived broken.', priority: 'high', category: 'delivery', order_id: order, user_id: 1, status: 'closed', assigned_to: 5, ticket_number: 'SAV-1999-000001' },
  });
  assert.is(res.status, 201, res.text);
  const ticket = res.body;
  const year = new Date().getUTCFullYear();
  assert.match(ticket.ticket_number, new RegExp(`^SAV-${year}-\\d{6}$`));
  assert.equal(
    [ticket.subject, ticket.description, ticket.priority, ticket.category, ticket.order_id, ticket.user_id, ticket.status, ticket.assigned_to, ticket.email],
    ['Broken lamp', 'It arrived broken.', 'high', 'delivery', order, me.id, 'open', null, `user${me.id}@example.com`],
  );
  assert.not.ok('access_token_hash' in ticket);
  assert.not.ok('metadata' in ticket, 'metadata is for staff');
  assert.ok(ticket.created_at && ticket.updated_at);
  const events = await outboxFor(ticket.id);
  assert.equal(events.map((e) => e.type), [ENGAGEMENT_EVENTS.ticketCreated]);
  assert.equal(events[0].data, {
    id: ticket.id, ticket_number: ticket.ticket_number, user_id: me.id, email: `user${me.id}@example.com`, subject: 'Broken lamp',
    category: 'delivery', priority: 'high', status: 'open', order_id: order, created_at: events[0].data.created_at,
  });
  const defaults = await newTicket(call, me.token, { priority: undefined, category: undefined });
  assert.equal([defaults.priority, defaults.category, defaults.order_id], ['medium', null, null]);
});

it('bad input names the field (422); no token 401', async () => {
  const me = customer();
  const bad = async (body: object, field: string) => {
    const res = await call('POST', '/tickets', { token: me.token, body });
    assert.is(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
    assert.ok(res.body.errors[field], `${field} in ${res.text}`);
  };
  await bad({ description: 'no subject' }, 'subject');
  await bad({ subject: 'no description' }, 'description');
  await bad({ subject: '   ', description: 'blank subject' }, 'subject');
  await bad({ subject: 'x', description: 'y', priority: 'critical' }, 'priority');
  await bad({ subject: 'x'.repeat(256), description: 'y' }, 'subject');
  await bad({ subject: 'x', description: 'y', order_id: 'abc' }, 'order_id');
  await bad({ subject: 'x', description: 'y', order_id: 99_999_999_999 }, 'order_id');
  assert.is((await call('POST', '/tickets', { body: { subject: 'x', description: 'y' } })).status, 401);
  assert.is((await call('GET', '/tickets')).status, 401);
  const malformed = await call('POST', '/tickets', { token: me.token, raw: '{"subject": ' });
  assert.is(malformed.status, 400);
  // `message` is another name for the description, as on the public form.
  assert.is((await newTicket(call, me.token, { description: undefined, message: 'Said as message' })).description, 'Said as message');
});

it("a ticket links only an order its caller may see: another customer's or an unknown one is a 422 on order_id (create and change); staff link any existing order", async () => {
  const me = customer();
  const mine = await orderOf(me.id);
  const theirs = await orderOf(freshId());
  const unknown = theirs + 1_000_000;
  for (const order_id of [theirs, unknown]) {
    const res = await call('POST', '/tickets', { token: me.token, body: { subject: 'Refund', description: 'Please refund.', order_id } });
    assert.is(res.status, 422, res.text);
    assert.equal(res.body.errors.order_id, ['The selected order does not exist or is not yours.'], 'the same answer for both');
  }
  const ticket = await newTicket(call, me.token, { order_id: mine });
  const changed = await call('PATCH', `/tickets/${ticket.id}`, { token: me.token, body: { order_id: theirs } });
  assert.is(changed.status, 422, changed.text);
  assert.ok(changed.body.errors.order_id);
  assert.is((await call('GET', `/tickets/${ticket.id}`, { token: me.token })).body.order_id, mine, 'nothing changed');

  const support = agent();
  const linked = await call('PATCH', `/tickets/${ticket.id}`, { token: support.token, body: { order_id: theirs } });
  assert.equal([linked.status, linked.body.order_id], [200, theirs], 'staff with orders.view see every order');
  assert.is((await call('PATCH', `/tickets/${ticket.id}`, { token: support.token, body: { order_id: unknown } })).status, 422, 'but it must exist');
  const resent = await call('PUT', `/tickets/${ticket.id}`, { token: me.token, body: { subject: 'Refund, please', order_id: theirs } });
  assert.equal([resent.status, resent.body.order_id], [200, theirs], 'sending the ticket back as it is links nothing new');
  assert.is((await call('PATCH', `/tickets/${ticket.id}`, { token: me.token, body: { order_id: null } })).status, 200, 'unlinking needs no check');
  assert.is((await newTicket(call, support.token, { order_id: theirs })).order_id, theirs);
});

it('ticket numbers stay unique and in sequence under concurrent creation', async () => {
  const me = customer();
  const created = await Promise.all(Array.from({ length: 12 }, (_, i) => newTicket(call, me.token, { subject: `Concurrent ${i}` })));
  const numbers = created.map((t) => t.ticket_number);
  assert.is(new Set(numbers).size, numbers.length, numbers.join(' '));
  const sequence = numbers.map((n) => Number(n.slice(-6))).sort((a, b) => a - b);
  assert.is(sequence[sequence.length - 1] - sequence[0], sequence.length - 1, `consecutive: ${sequence.join(',')}`);
});

it("a customer sees only their own tickets; another's answers 404 everywhere; staff see all", async () => {
  const alice = customer();
  const bob = customer();
  const ticket = await newTicket(call, alice.token);
  const mine = await call('GET', '/tickets', { token: alice.token });
  assert.is(mine.status, 200);
  assert.equal(Object.keys(mine.body).sort(), ['current_page', 'data', 'last_page', 'per_page', 'total']);
  assert.ok(mine.body.data.every((t: { user_id: number }) => t.user_id === alice.id));
  assert.ok(mine.body.data.some((t: { id: number }) => t.id === ticket.id));
  const bobs = await call('GET', `/tickets?user_id=${alice.id}`, { token: bob.token });
  assert.is(bobs.body.total, 0, 'a user_id filter does not widen a customer\'s view');
  for (const [method, path] of [['GET', `/tickets/${ticket.id}`], ['PUT', `/tickets/${ticket.id}`], ['DELETE', `/tickets/${ticket.id}`], ['GET', `/tickets/${ticket.id}/messages`], ['POST', `/tickets/${ticket.id}/messages`], ['GET', `/tickets/${ticket.id}/attachments`]]) {
    const res = await call(method, path, { token: bob.token, body: method === 'GET' || method === 'DELETE' ? undefined : { message: 'hi', subject: 'mine now' } });
    assert.is(res.status, 404, `${method} ${path}: ${res.text}`);
  }
  // A manager holds no support permission: like a customer, their own tickets only.
  assert.is((await call('GET', `/tickets/${ticket.id}`, { token: tokens.manager() })).status, 404);
  for (const staff of [tokens.support(), tokens.viewer(), tokens.admin()]) {
    const seen = await call('GET', `/tickets/${ticket.id}`, { token: staff });
    assert.is(seen.status, 200, seen.text);
    assert.equal(seen.body.metadata, { source: 'account' }, 'staff see the metadata');
  }
  const all = await call('GET', `/tickets?user_id=${alice.id}`, { token: tokens.support() });
  assert.equal(all.body.data.map((t: { id: number }) => t.id), mine.body.data.map((t: { id: number }) => t.id));
});

it('lists filter by status, priority, category, assigned_to (id, me, none), order_id and search; sort; paginate', async () => {
  const me = customer();
  const support = agent();
  const tag = `cat-${freshId()}`;
  const order = await orderOf(me.id);
  const low = await newTicket(call, me.token, { subject: 'Invoice copy please', priority: 'low', category: tag, order_id: order });
  const urgent = await newTicket(call, me.token, { subject: 'Charged twice', priority: 'urgent', category: tag });
  const other = await newTicket(call, me.token, { subject: 'Wrong size', category: tag });
  assert.is((await call('POST', `/tickets/${urgent.id}/assign`, { token: support.token, body: { assigned_to: support.id } })).status, 200);
  const ids = async (query: string, token = support.token) => {
    const res = await call('GET', `/tickets?category=${tag}&${query}`, { token });
    assert.is(res.status, 200, `${query}: ${res.text}`);
    return res.body.data.map((t: { id: number }) => t.id);
  };
  assert.equal(await ids('priority=low'), [low.id]);
  assert.equal(await ids('status=in_progress'), [urgent.id]);
  assert.equal(await ids('status=open&sort=id'), [low.id, other.id]);
  assert.equal(await ids(`assigned_to=${support.id}`), [urgent.id]);
  assert.equal(await ids('assigned_to=me'), [urgent.id]);
  assert.equal(await ids('assigned_to=none&sort=id'), [low.id, other.id]);
  assert.equal(await ids(`order_id=${order}`), [low.id]);
  assert.equal(await ids('search=twice'), [urgent.id]);
  assert.equal(await ids(`search=${urgent.ticket_number}`), [urgent.id]);
  assert.equal(await ids('search=100%25'), [], 'LIKE wildcards are literal');
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(await ids(`date_from=${today}&date_to=${today}&sort=id`), [low.id, urgent.id, other.id]);
  assert.equal(await ids('date_to=2020-01-01'), []);
  assert.equal(await ids('sort=-priority'), [urgent.id, other.id, low.id]);
  assert.equal(await ids('sort=id', me.token), [low.id, urgent.id, other.id]);
  const page = await call('GET', `/tickets?category=${tag}&per_page=2&page=2&sort=id`, { token: support.token });
  assert.equal([page.body.total, page.body.per_page, page.body.current_page, page.body.last_page, page.body.data.length], [3, 2, 2, 2, 1]);
  for (const query of ['date_from=yesterday', 'date_to=2026-13-01', 'status=pending', 'priority=critical', 'sort=subject', 'per_page=101', 'page=0', 'assigned_to=someone', 'order_id=x']) {
    const res = await call('GET', `/tickets?${query}`, { token: support.token });
    assert.is(res.status, 422, `${query}: ${res.text}`);
  }
});

it('PUT and PATCH change only what is sent; a customer cannot set status or assignee; closed tickets do not change', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token, { category: 'billing' });
  const changed = await call('PATCH', `/tickets/${ticket.id}`, { token: me.token, body: { subject: 'Broken lamp (again)', status: 'closed', assigned_to: me.id, user_id: 3 } });
  assert.is(changed.status, 200, changed.text);
  assert.equal([changed.body.subject, changed.body.description, changed.body.category, changed.body.status, changed.body.assigned_to, changed.body.user_id], ['Broken lamp (again)', ticket.description, 'billing', 'open', null, me.id]);
  const put = await call('PUT', `/tickets/${ticket.id}`, { token: me.token, body: { priority: 'high', category: null } });
  assert.equal([put.status, put.body.priority, put.body.category, put.body.subject], [200, 'high', null, 'Broken lamp (again)']);
  assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: me.token, body: { priority: 'soon' } })).status, 422);

  assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: tokens.viewer(), body: { priority: 'low' } })).status, 403, 'support.view reads only');
  const support = agent();
  const moved = await call('PUT', `/tickets/${ticket.id}`, { token: support.token, body: { status: 'in_progress', assigned_to: support.id } });
  assert.equal([moved.status, moved.body.status, moved.body.assigned_to], [200, 'in_progress', support.id]);
  assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: support.token, body: { status: 'open' } })).status, 409, 'in_progress → open is not a move');
  assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: tokens.responder(), body: { status: 'closed' } })).status, 403, 'closing needs support.close');
  assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: support.token, body: { status: 'closed' } })).status, 200);
  assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: me.token, body: { subject: 'too late' } })).status, 409);
  assert.is((await call('PUT', `/tickets/${freshId()}`, { token: support.token, body: { subject: 'x' } })).status, 404);
});

it('DELETE hides the ticket (soft): owner or support.respond; then 404 and out of lists', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  assert.is((await call('DELETE', `/tickets/${ticket.id}`, { token: tokens.viewer() })).status, 403);
  assert.is((await call('DELETE', `/tickets/${ticket.id}`, { token: me.token })).status, 204);
  assert.is((await call('GET', `/tickets/${ticket.id}`, { token: me.token })).status, 404);
  assert.is((await call('GET', `/tickets/${ticket.id}`, { token: tokens.support() })).status, 404);
  assert.ok((await call('GET', '/tickets', { token: me.token })).body.data.every((t: { id: number }) => t.id !== ticket.id));
  assert.is((await call('DELETE', `/tickets/${ticket.id}`, { token: me.token })).status, 404);
  const other = await newTicket(call, me.token);
  assert.is((await call('DELETE', `/tickets/${other.id}`, { token: tokens.support() })).status, 204);
  assert.is((await call('DELETE', '/tickets/abc', { token: me.token })).status, 422);
});

it('statistics: per status, priority and agent, and the average resolution time; a customer gets their own', async () => {
  const me = customer();
  const support = agent();
  const before = (await call('GET', '/tickets/statistics', { token: support.token })).body;
  const a = await newTicket(call, me.token, { priority: 'urgent' });
  await newTicket(call, me.token, { priority: 'low' });
  assert.is((await call('POST', `/tickets/${a.id}/assign`, { token: support.token, body: { assigned_to: support.id } })).status, 200);
  assert.is((await call('POST', `/tickets/${a.id}/resolve`, { token: support.token })).status, 200);
  const after = await call('GET', '/tickets/statistics', { token: support.token });
  assert.is(after.status, 200, after.text);
  const stats = after.body;
  assert.is(stats.total, before.total + 2);
  assert.is(stats.by_status.resolved, before.by_status.resolved + 1);
  assert.is(stats.by_status.open, before.by_status.open + 1);
  assert.equal(Object.keys(stats.by_status), ['open', 'in_progress', 'waiting_customer', 'resolved', 'closed']);
  assert.is(stats.by_priority.urgent, before.by_priority.urgent + 1);
  const mine = stats.by_agent.find((row: { assigned_to: number }) => row.assigned_to === support.id);
  assert.equal([mine.total, mine.by_status.resolved, mine.resolved_count], [1, 1, 1]);
  assert.ok(mine.average_resolution_seconds >= 0 && mine.average_resolution_seconds < 60);
  assert.type(stats.average_resolution_hours, 'number');

  const own = (await call('GET', '/tickets/statistics', { token: me.token })).body;
  assert.equal([own.total, own.by_status.resolved, own.by_status.open, own.by_priority.low, own.unassigned], [2, 1, 1, 1, 1]);
  assert.is((await call('GET', '/tickets/statistics')).status, 401);
});

it.run();
