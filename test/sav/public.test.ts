import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryTypes } from 'sequelize';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import { db } from '../../functions/sav/database';
import type { Call } from '../helpers/http';
import { agent, customer, newTicket, outboxFor, publicTicket, startSav, tokens, type SavHarness } from './helpers';

const it = suite('sav: public tickets and their access token');
let sav: SavHarness;
let call: Call;

it.before(async () => {
  sav = await startSav();
  call = sav.call;
});
it.after(() => sav.close());

it('POST /public/tickets: 201 with the number and an access token; message is another name for description; only a hash is stored', async () => {
  const res = await call('POST', '/public/tickets', {
    body: { name: 'Grace Hopper', email: 'Grace.Hopper@Example.com', subject: 'Refund', message: 'Where is my refund?', order_number: 'ORD-2026-000042', priority: 'high', category: 'billing', user_id: 5, status: 'closed' },
  });
  assert.is(res.status, 201, res.text);
  const ticket = res.body;
  assert.match(ticket.ticket_number, /^SAV-\d{4}-\d{6}$/);
  assert.type(ticket.access_token, 'string');
  assert.ok(ticket.access_token.length >= 32);
  assert.equal(
    [ticket.name, ticket.email, ticket.subject, ticket.description, ticket.order_number, ticket.priority, ticket.category, ticket.user_id, ticket.status],
    ['Grace Hopper', 'grace.hopper@example.com', 'Refund', 'Where is my refund?', 'ORD-2026-000042', 'high', 'billing', null, 'open'],
  );
  const [row] = await db.sequelize.query<{ access_token_hash: string }>('SELECT access_token_hash FROM support_tickets WHERE id = ?', { replacements: [ticket.id], type: QueryTypes.SELECT });
  assert.is(row.access_token_hash.length, 64);
  assert.is.not(row.access_token_hash, ticket.access_token);
  assert.not.ok(JSON.stringify(row).includes(ticket.access_token));
  const [created] = await outboxFor(ticket.id);
  assert.equal([created.type, created.data.user_id, created.data.email], [ENGAGEMENT_EVENTS.ticketCreated, null, 'grace.hopper@example.com']);
  // Optional fields may be left out; description wins over message when both come.
  const minimal = await call('POST', '/public/tickets', { body: { email: 'ada@example.com', subject: 'Hi', description: 'Desc', message: 'Msg' } });
  assert.equal([minimal.status, minimal.body.name, minimal.body.description, minimal.body.order_number, minimal.body.priority], [201, null, 'Desc', null, 'medium']);
});

it('POST /public/tickets: bad input names the field (422)', async () => {
  const bad = async (body: object, field: string) => {
    const res = await call('POST', '/public/tickets', { body });
    assert.is(res.status, 422, `${JSON.stringify(body)}: ${res.text}`);
    assert.ok(res.body.errors[field], `${field}: ${res.text}`);
  };
  const ok = { email: 'a@example.com', subject: 'Hi', description: 'Text' };
  await bad({ ...ok, email: 'not-an-email' }, 'email');
  await bad({ ...ok, email: undefined }, 'email');
  await bad({ ...ok, subject: '' }, 'subject');
  await bad({ ...ok, description: undefined }, 'description');
  await bad({ ...ok, description: '  ' }, 'description');
  await bad({ ...ok, priority: 'asap' }, 'priority');
  await bad({ ...ok, order_number: 'x'.repeat(65) }, 'order_number');
  assert.is((await call('POST', '/public/tickets', { raw: 'not json' })).status, 400);
});

it('GET /public/tickets/{number}: with the token (header or ?token=) the ticket and its public messages; without it nothing leaks', async () => {
  const ticket = await publicTicket(call);
  const support = agent();
  await call('POST', `/tickets/${ticket.id}/messages`, { token: support.token, body: { message: 'INTERNAL: customer seems upset', is_internal: true } });
  await call('POST', `/tickets/${ticket.id}/messages`, { token: support.token, body: { message: 'We are on it.' } });
  const byHeader = await call('GET', `/public/tickets/${ticket.ticket_number}`, { headers: { 'X-Ticket-Token': ticket.access_token } });
  assert.is(byHeader.status, 200, byHeader.text);
  assert.equal([byHeader.body.ticket_number, byHeader.body.status], [ticket.ticket_number, 'waiting_customer']);
  assert.equal(byHeader.body.messages.map((m: { message: string }) => m.message), ['We are on it.']);
  assert.not.ok(byHeader.text.includes('INTERNAL'), 'no internal note on a public route');
  assert.not.ok('metadata' in byHeader.body);
  assert.not.ok('access_token' in byHeader.body);
  const byQuery = await call('GET', `/public/tickets/${ticket.ticket_number.toLowerCase()}?token=${encodeURIComponent(ticket.access_token)}`);
  assert.is(byQuery.status, 200, 'any case, token in the query');

  const other = await publicTicket(call);
  const denied = [
    await call('GET', `/public/tickets/${ticket.ticket_number}`),
    await call('GET', `/public/tickets/${ticket.ticket_number}`, { headers: { 'X-Ticket-Token': 'wrong' } }),
    await call('GET', `/public/tickets/${ticket.ticket_number}`, { headers: { 'X-Ticket-Token': other.access_token } }),
    await call('GET', `/public/tickets/${ticket.id}?token=${ticket.access_token}x`),
    await call('GET', '/public/tickets/SAV-1999-000001', { headers: { 'X-Ticket-Token': ticket.access_token } }),
  ];
  for (const res of denied) {
    assert.ok(res.status === 403 || res.status === 404, `${res.status} ${res.text}`);
    assert.not.ok(res.text.includes(ticket.subject) || res.text.includes('We are on it'), 'nothing of the ticket');
  }
  assert.is(denied[1].text.replace(/"request_id":"[^"]+"/, ''), denied[4].text.replace(/"request_id":"[^"]+"/, ''), 'a wrong token looks like an unknown ticket');
  // A customer's account ticket has no access token: never reachable publicly.
  const owned = await newTicket(call, customer().token);
  assert.is((await call('GET', `/public/tickets/${owned.ticket_number}`, { headers: { 'X-Ticket-Token': ticket.access_token } })).status, 404);
});

it('POST /public/tickets/{id}/messages: with the token, by id or number; reopens a waiting or resolved ticket; 409 once closed', async () => {
  const ticket = await publicTicket(call);
  const support = agent();
  const headers = { 'X-Ticket-Token': ticket.access_token };
  await call('POST', `/tickets/${ticket.id}/messages`, { token: support.token, body: { message: 'Could you send a photo?' } });
  const answer = await call('POST', `/public/tickets/${ticket.id}/messages`, { headers, body: { message: 'Here it is.', is_internal: true } });
  assert.is(answer.status, 201, answer.text);
  assert.equal([answer.body.sender_type, answer.body.sender_id, answer.body.is_internal, answer.body.message], ['customer', null, false, 'Here it is.']);
  assert.is((await call('GET', `/tickets/${ticket.id}`, { token: support.token })).body.status, 'open');
  assert.is((await call('POST', `/tickets/${ticket.id}/resolve`, { token: support.token })).status, 200);
  const byNumber = await call('POST', `/public/tickets/${ticket.ticket_number}/messages?token=${encodeURIComponent(ticket.access_token)}`, { body: { message: 'Still broken.' } });
  assert.is(byNumber.status, 201, byNumber.text);
  assert.is((await call('GET', `/tickets/${ticket.id}`, { token: support.token })).body.status, 'open', 'reopened');

  for (const res of [
    await call('POST', `/public/tickets/${ticket.id}/messages`, { body: { message: 'no token' } }),
    await call('POST', `/public/tickets/${ticket.id}/messages`, { headers: { 'X-Ticket-Token': 'nope' }, body: { message: 'bad token' } }),
  ]) assert.ok(res.status === 403 || res.status === 404, res.text);
  assert.is((await call('POST', `/public/tickets/${ticket.id}/messages`, { headers, body: { message: '' } })).status, 422);
  assert.is((await call('POST', `/tickets/${ticket.id}/close`, { token: tokens.support() })).status, 200);
  assert.is((await call('POST', `/public/tickets/${ticket.id}/messages`, { headers, body: { message: 'Hello?' } })).status, 409);
  const thread = (await call('GET', `/public/tickets/${ticket.ticket_number}`, { headers })).body.messages.map((m: { message: string }) => m.message);
  assert.equal(thread, ['Could you send a photo?', 'Here it is.', 'Still broken.']);
});

it.run();
