import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import { TRANSITIONS } from '../../functions/sav/lifecycle';
import type { Call } from '../helpers/http';
import { agent, customer, freshId, newTicket, outboxFor, registeredUser, startSav, tokens, type SavHarness } from './helpers';

const it = suite('sav: assignment, status lifecycle, messages moving tickets');
let sav: SavHarness;
let call: Call;

it.before(async () => {
  sav = await startSav();
  call = sav.call;
});
it.after(() => sav.close());

const E = ENGAGEMENT_EVENTS;
const statusOf = async (id: number) => (await call('GET', `/tickets/${id}`, { token: tokens.support() })).body.status as string;
const say = (id: number, token: string, message: string, extra: object = {}) => call('POST', `/tickets/${id}/messages`, { token, body: { message, ...extra } });

it('assign: to a real agent (checked with auth), an open ticket goes in progress; customers, non-agents and unknown users refused', async () => {
  const me = customer();
  const ticket = await newTicket(call, me.token);
  const colleague = await registeredUser(sav.auth, 'support');
  const plainCustomer = await registeredUser(sav.auth);
  const support = agent();
  const assign = (body: object, token = support.token, id = ticket.id) => call('POST', `/tickets/${id}/assign`, { token, body });

  assert.is((await assign({ assigned_to: colleague.id }, me.token)).status, 403, 'a customer may not assign');
  assert.is((await assign({ assigned_to: colleague.id }, tokens.viewer())).status, 403, 'support.view may not assign');
  const notAgent = await assign({ assigned_to: plainCustomer.id });
  assert.is(notAgent.status, 422, notAgent.text);
  assert.ok(notAgent.body.errors.assigned_to);
  assert.is((await assign({ assigned_to: 999_999_999 })).status, 422, 'no such user');
  assert.is((await assign({})).status, 422);
  assert.is((await assign({ assigned_to: 'bob' })).status, 422);
  assert.is((await assign({ assigned_to: colleague.id }, support.token, freshId())).status, 404);

  assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: support.token, body: { assigned_to: plainCustomer.id } })).status, 422, 'PUT checks the assignee too');
  assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: tokens.viewer(), body: { assigned_to: colleague.id } })).status, 403);
  const assigned = await assign({ assigned_to: colleague.id, status: 'closed' });
  assert.is(assigned.status, 200, assigned.text);
  assert.equal([assigned.body.assigned_to, assigned.body.status], [colleague.id, 'in_progress']);
  const reassigned = await assign({ assigned_to: support.id });
  assert.equal([reassigned.body.assigned_to, reassigned.body.status], [support.id, 'in_progress']);
  const unassigned = await assign({ assigned_to: null });
  assert.equal([unassigned.status, unassigned.body.assigned_to, unassigned.body.status], [200, null, 'in_progress']);
  const events = await outboxFor(ticket.id);
  assert.equal(events.map((e) => e.type), [E.ticketCreated, E.ticketStatusChanged], 'one status change; reassigning is not one');
  assert.equal(events[1].data, { id: ticket.id, ticket_number: ticket.ticket_number, user_id: me.id, from: 'open', to: 'in_progress', by: support.id, at: events[1].data.at });
});

it('resolve (support.respond) and close (support.close): legal moves only, 409 otherwise; timestamps kept', async () => {
  const me = customer();
  const support = agent();
  const ticket = await newTicket(call, me.token);
  assert.is((await call('POST', `/tickets/${ticket.id}/resolve`, { token: me.token })).status, 403);
  assert.is((await call('POST', `/tickets/${ticket.id}/resolve`, { token: tokens.viewer() })).status, 403);
  const resolved = await call('POST', `/tickets/${ticket.id}/resolve`, { token: tokens.responder() });
  assert.is(resolved.status, 200, resolved.text);
  assert.is(resolved.body.status, 'resolved');
  assert.ok(resolved.body.resolved_at);
  assert.is((await call('POST', `/tickets/${ticket.id}/resolve`, { token: support.token })).status, 409, 'already resolved');
  assert.is((await call('POST', `/tickets/${ticket.id}/close`, { token: tokens.responder() })).status, 403, 'closing needs support.close');
  const closed = await call('POST', `/tickets/${ticket.id}/close`, { token: support.token });
  assert.equal([closed.status, closed.body.status], [200, 'closed']);
  assert.ok(closed.body.closed_at);
  for (const action of ['resolve', 'close']) assert.is((await call('POST', `/tickets/${ticket.id}/${action}`, { token: support.token })).status, 409, `${action} a closed ticket`);
  assert.is((await call('POST', `/tickets/${ticket.id}/assign`, { token: support.token, body: { assigned_to: support.id } })).status, 409);
  assert.is((await say(ticket.id, me.token, 'hello?')).status, 409, 'no message on a closed ticket');
  assert.is((await call('POST', `/tickets/${freshId()}/close`, { token: support.token })).status, 404);
  assert.equal((await outboxFor(ticket.id)).filter((e) => e.type === E.ticketStatusChanged).map((e) => [e.data.from, e.data.to]), [['open', 'resolved'], ['resolved', 'closed']]);
});

it('every move through PUT follows the transition table: legal ones pass, the others answer 409 and change nothing', async () => {
  const support = agent();
  const me = customer();
  /** A legal way from open to each status. */
  const path: Record<string, string[]> = { open: [], in_progress: ['in_progress'], waiting_customer: ['waiting_customer'], resolved: ['resolved'], closed: ['closed'] };
  for (const [from, targets] of Object.entries(TRANSITIONS)) {
    for (const to of Object.keys(TRANSITIONS)) {
      if (to === from) continue;
      const ticket = await newTicket(call, me.token);
      for (const step of path[from]) assert.is((await call('PUT', `/tickets/${ticket.id}`, { token: support.token, body: { status: step } })).status, 200);
      const res = await call('PUT', `/tickets/${ticket.id}`, { token: support.token, body: { status: to } });
      const legal = (targets as string[]).includes(to);
      assert.is(res.status, legal ? 200 : 409, `${from} → ${to}: ${res.text}`);
      assert.is(await statusOf(ticket.id), legal ? to : from);
    }
  }
});

it("an agent's answer waits for the customer; the customer's answer, or a message on a resolved ticket, reopens it; internal notes move nothing", async () => {
  const me = customer();
  const support = agent();
  const ticket = await newTicket(call, me.token);
  const note = await say(ticket.id, support.token, 'Carrier says lost; refund?', { is_internal: true });
  assert.equal([note.status, note.body.is_internal, note.body.sender_type], [201, true, 'agent']);
  assert.is(await statusOf(ticket.id), 'open');
  const answer = await say(ticket.id, support.token, 'We are looking into it.');
  assert.equal([answer.status, answer.body.sender_type, answer.body.sender_id, answer.body.is_internal], [201, 'agent', support.id, false]);
  assert.is(await statusOf(ticket.id), 'waiting_customer');
  const reply = await say(ticket.id, me.token, 'Thanks, any news?', { is_internal: true });
  assert.equal([reply.status, reply.body.sender_type, reply.body.is_internal], [201, 'customer', false], "a customer's is_internal is ignored");
  assert.is(await statusOf(ticket.id), 'open');
  assert.is((await call('POST', `/tickets/${ticket.id}/resolve`, { token: support.token })).status, 200);
  await say(ticket.id, me.token, 'It broke again.');
  const reopened = (await call('GET', `/tickets/${ticket.id}`, { token: me.token })).body;
  assert.equal([reopened.status, reopened.resolved_at], ['open', null]);
  assert.is((await say(ticket.id, me.token, '   ')).status, 422);
  assert.is((await call('POST', `/tickets/${ticket.id}/messages`, { token: me.token, body: {} })).status, 422);

  const events = await outboxFor(ticket.id);
  assert.equal(events.map((e) => (e.type === E.ticketStatusChanged ? `${e.data.from}>${e.data.to}` : e.type === E.ticketMessageAdded ? `${e.data.sender_type}${e.data.is_internal ? ' (internal)' : ''}` : 'created')), [
    'created', 'agent (internal)', 'agent', 'open>waiting_customer', 'customer', 'waiting_customer>open', 'open>resolved', 'customer', 'resolved>open',
  ]);
  const added = events.find((e) => e.type === E.ticketMessageAdded)!;
  assert.equal(added.data, { id: ticket.id, ticket_number: ticket.ticket_number, message_id: note.body.id, sender_type: 'agent', is_internal: true, at: added.data.at });
});

it.run();
