import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Call } from '../helpers/http';
import { agent, customer, freshId, newTicket, startSav, tokens, type SavHarness } from './helpers';

const it = suite('sav: messages, internal notes, unread counts');
let sav: SavHarness;
let call: Call;

it.before(async () => {
  sav = await startSav();
  call = sav.call;
});
it.after(() => sav.close());

const say = (id: number, token: string, message: string, extra: object = {}) => call('POST', `/tickets/${id}/messages`, { token, body: { message, ...extra } });
const unread = async (token: string) => {
  const res = await call('GET', '/messages/unread-count', { token });
  assert.is(res.status, 200, res.text);
  return res.body.unread_count as number;
};

it('internal notes are never shown to the customer: not in the thread, the list, by id, nor in their counts', async () => {
  const me = customer();
  const support = agent();
  const ticket = await newTicket(call, me.token);
  const note = (await say(ticket.id, support.token, 'Internal: VIP customer', { is_internal: true })).body;
  const answer = (await say(ticket.id, support.token, 'Hello, we are on it.')).body;
  const listed = await call('GET', `/tickets/${ticket.id}/messages`, { token: me.token });
  assert.is(listed.status, 200);
  assert.equal(listed.body.data.map((m: { id: number }) => m.id), [answer.id]);
  assert.is(listed.body.total, 1);
  const thread = await call('GET', `/tickets/${ticket.id}`, { token: me.token });
  assert.not.ok(thread.text.includes('VIP'));
  assert.is((await call('GET', `/messages/${note.id}`, { token: me.token })).status, 404);
  assert.is((await call('POST', `/messages/${note.id}/mark-read`, { token: me.token })).status, 404);
  assert.is((await call('PUT', `/messages/${note.id}`, { token: me.token, body: { message: 'x' } })).status, 404);
  const staffView = await call('GET', `/tickets/${ticket.id}/messages?sort=-id`, { token: tokens.viewer() });
  assert.equal(staffView.body.data.map((m: { id: number }) => m.id), [answer.id, note.id]);
  assert.is((await call('GET', `/messages/${note.id}`, { token: support.token })).body.message, 'Internal: VIP customer');
  assert.is(await unread(me.token), 1, 'the internal note does not count');
});

it("unread counts are per side; mark-read marks the other side's message; mark-all-read by ticket or all", async () => {
  const me = customer();
  const support = agent();
  const first = await newTicket(call, me.token);
  const second = await newTicket(call, me.token);
  assert.is(await unread(me.token), 0);
  const a1 = (await say(first.id, support.token, 'Answer one')).body;
  await say(first.id, support.token, 'Answer two');
  await say(second.id, support.token, 'Answer three');
  assert.is(await unread(me.token), 3);
  assert.is(await unread(customer().token), 0, "another customer's count");

  const staffBefore = await unread(support.token);
  const mine = (await say(first.id, me.token, 'Customer reply')).body;
  assert.is(await unread(support.token), staffBefore + 1, 'staff count customer messages');
  assert.is(await unread(me.token), 3, "the customer's own message is not unread for them");

  const marked = await call('POST', `/messages/${a1.id}/mark-read`, { token: me.token });
  assert.equal([marked.status, marked.body.is_read], [200, true]);
  assert.ok(marked.body.read_at);
  assert.is(await unread(me.token), 2);
  const own = await call('POST', `/messages/${mine.id}/mark-read`, { token: me.token });
  assert.equal([own.status, own.body.is_read], [200, false], 'one\'s own message is for the other side to read');
  assert.is((await call('POST', `/messages/${a1.id}/mark-read`, { token: customer().token })).status, 404);

  const byTicket = await call('POST', '/messages/mark-all-read', { token: me.token, body: { ticket_id: first.id } });
  assert.equal([byTicket.status, byTicket.body.marked], [200, 1]);
  assert.is(await unread(me.token), 1);
  assert.is((await call('POST', '/messages/mark-all-read', { token: me.token, body: { ticket_id: freshId() } })).status, 404);
  assert.is((await call('POST', '/messages/mark-all-read', { token: me.token, body: { ticket_id: 'x' } })).status, 422);
  const all = await call('POST', '/messages/mark-all-read', { token: me.token });
  assert.equal([all.status, all.body.marked], [200, 1]);
  assert.is(await unread(me.token), 0);
  assert.is((await call('GET', '/messages/unread-count')).status, 401);
});

it('GET, PUT, DELETE /messages/{mid}: visible to its ticket\'s owner and staff; edited by its author; deleted by author or agent', async () => {
  const me = customer();
  const support = agent();
  const ticket = await newTicket(call, me.token);
  const mine = (await say(ticket.id, me.token, 'Typo hre')).body;
  const theirs = (await say(ticket.id, support.token, 'Answer')).body;
  assert.is((await call('GET', `/messages/${mine.id}`, { token: me.token })).status, 200);
  assert.is((await call('GET', `/messages/${mine.id}`, { token: customer().token })).status, 404, "another customer's message");
  assert.is((await call('GET', `/messages/${freshId()}`, { token: me.token })).status, 404);
  assert.is((await call('GET', '/messages/abc', { token: me.token })).status, 422);

  const edited = await call('PATCH', `/messages/${mine.id}`, { token: me.token, body: { message: 'Typo here', is_internal: true, sender_type: 'agent' } });
  assert.equal([edited.status, edited.body.message, edited.body.is_internal, edited.body.sender_type], [200, 'Typo here', false, 'customer']);
  assert.is((await call('PUT', `/messages/${theirs.id}`, { token: me.token, body: { message: 'I said so' } })).status, 403);
  assert.is((await call('PUT', `/messages/${mine.id}`, { token: me.token, body: { message: '' } })).status, 422);
  const hidden = await call('PUT', `/messages/${theirs.id}`, { token: support.token, body: { is_internal: true } });
  assert.equal([hidden.status, hidden.body.is_internal], [200, true]);
  assert.is((await call('GET', `/messages/${theirs.id}`, { token: me.token })).status, 404, 'now internal');

  assert.is((await call('DELETE', `/messages/${theirs.id}`, { token: me.token })).status, 404);
  assert.is((await call('DELETE', `/messages/${mine.id}`, { token: tokens.viewer() })).status, 403);
  assert.is((await call('DELETE', `/messages/${mine.id}`, { token: me.token })).status, 204);
  assert.is((await call('GET', `/messages/${mine.id}`, { token: support.token })).status, 404);
  assert.is((await call('DELETE', `/messages/${theirs.id}`, { token: tokens.support() })).status, 204, 'an agent deletes any');
  assert.is((await call('GET', `/tickets/${ticket.id}/messages`, { token: support.token })).body.total, 0);
});

it.run();
