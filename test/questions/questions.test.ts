import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { migrateAndSeed } from '../../functions/kit/db';
import { signToken } from '../../functions/kit/jwt';
import { questions } from '../../functions/questions';
import { db } from '../../functions/questions/database';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';

const it = suite('questions service (FAQ)');
let call: Call;
let close: () => Promise<void>;

const editor = signToken({ id: 1, email: 'admin@example.com', roles: ['super-admin'], permissions: [] }).token;
const settingsEditor = signToken({ id: 5, email: 'editor@example.com', roles: ['manager'], permissions: ['settings.update'] }).token;
const admin = signToken({ id: 2, email: 'a@example.com', roles: ['admin'], permissions: ['settings.view', 'users.view', 'products.view'] }).token;
const customer = signToken({ id: 3, email: 'c@example.com', roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token;

/** Each test works in its own category, so rows of earlier runs and tests never get in its way. */
const freshCategory = () => `cat-${randomUUID().slice(0, 8)}`;

async function question(body: Record<string, unknown>) {
  const res = await call('POST', '/questions', { token: editor, body });
  assert.is(res.status, 201, res.text);
  return res.body;
}
async function answer(questionId: number, body: Record<string, unknown>) {
  const res = await call('POST', `/questions/${questionId}/answers`, { token: editor, body });
  assert.is(res.status, 201, res.text);
  return res.body;
}
const ids = (list: Array<{ id: number }>) => list.map((q) => q.id);

it.before(async () => {
  await migrateAndSeed('questions', migrationsOf(questions), []);
  const served = await serveFunction(createHttpFunction(questions));
  call = client(served.url);
  close = served.close;
});
it.after(() => close());

it('create: 201 with the question; is_published defaults to true, position to 0; unknown fields stripped', async () => {
  const category = freshCategory();
  const res = await call('POST', '/questions', { token: editor, body: { title: 'How long does delivery take?', body: 'Usually three business days.', category, views: 99, id: 5 } });
  assert.is(res.status, 201, res.text);
  for (const key of ['id', 'title', 'body', 'category', 'is_published', 'position', 'views', 'answers', 'created_at', 'updated_at']) assert.ok(key in res.body, key);
  assert.equal([res.body.is_published, res.body.position, res.body.views, res.body.answers], [true, 0, 0, []]);
  assert.not.ok('answers_text' in res.body, 'the search column stays inside');
  const draft = await question({ title: 'Draft', body: 'Not yet', is_published: false, category });
  assert.is(draft.is_published, false);
});

it('public list: published only, ordered by position then id; category filter; Laravel list shape', async () => {
  const category = freshCategory();
  const third = await question({ title: 'C', body: 'c', position: 3, category });
  const firstA = await question({ title: 'A1', body: 'a', position: 1, category });
  const firstB = await question({ title: 'A2', body: 'a', position: 1, category });
  await question({ title: 'Hidden', body: 'h', position: 0, is_published: false, category });
  const list = await call('GET', `/public/questions?category=${category}`);
  assert.is(list.status, 200);
  assert.equal(Object.keys(list.body).sort(), ['current_page', 'data', 'last_page', 'per_page', 'total']);
  assert.equal(ids(list.body.data), [firstA.id, firstB.id, third.id]);
  assert.is(list.body.total, 3);
  assert.is(list.body.data[0].answers_count, 0);
  const paged = await call('GET', `/public/questions?category=${category}&per_page=2&page=2`);
  assert.equal([ids(paged.body.data), paged.body.last_page], [[third.id], 2]);
  assert.equal(ids((await call('GET', `/public/questions?category=${category}&sort=-position`)).body.data), [third.id, firstB.id, firstA.id]);
  assert.equal(ids((await call('GET', `/public/questions?category=${category}&search=A2`)).body.data), [firstB.id], 'search in titles and bodies');
  assert.is((await call('GET', `/public/questions?category=${category}&search=Hidden`)).body.total, 0, 'never an unpublished one');
  assert.is((await call('GET', `/public/questions?category=${category}&search=`)).body.total, 3, 'an empty search keeps all');
  assert.is((await call('GET', `/public/questions?category=${category}&is_published=false`)).body.total, 3, 'is_published is not a public filter');
  assert.is((await call('GET', '/public/questions?sort=body')).status, 422);
  assert.is((await call('GET', '/public/questions?per_page=101')).status, 422);
});

it('public show counts views; unpublished or deleted questions are 404 on every public route', async () => {
  const category = freshCategory();
  const q = await question({ title: 'Can I return an item?', body: 'Within 30 days.', category });
  const a = await answer(q.id, { body: 'Yes, send it back within 30 days.' });
  assert.is((await call('GET', `/public/questions/${q.id}`)).body.views, 1);
  const second = await call('GET', `/public/questions/${q.id}`);
  assert.equal([second.status, second.body.views, second.body.answers.map((x: { id: number }) => x.id)], [200, 2, [a.id]]);
  await Promise.all(Array.from({ length: 10 }, () => call('GET', `/public/questions/${q.id}`)));
  assert.is((await call('GET', `/questions/${q.id}`, { token: editor })).body.views, 12, 'concurrent views are all counted; the admin read counts none');

  await call('PATCH', `/questions/${q.id}`, { token: editor, body: { is_published: false } });
  for (const path of [`/public/questions/${q.id}`, `/public/questions/${q.id}/answers`, `/public/questions/${q.id}/answers/${a.id}`]) {
    assert.is((await call('GET', path)).status, 404, path);
  }
  assert.is((await call('GET', `/questions/${q.id}`, { token: editor })).body.views, 12, 'a refused view is not counted');
  await call('PATCH', `/questions/${q.id}`, { token: editor, body: { is_published: true } });
  assert.is((await call('GET', `/public/questions/${q.id}/answers/${a.id}`)).status, 200);
  assert.is((await call('DELETE', `/questions/${q.id}`, { token: editor })).status, 204);
  assert.is((await call('GET', `/public/questions/${q.id}`)).status, 404);
  assert.is((await call('GET', `/questions/${q.id}`, { token: editor })).status, 404);
  assert.is((await call('GET', `/public/questions?category=${category}`)).body.total, 0);
  const [row] = await db.sequelize.query<{ deleted_at: Date | null }>('SELECT deleted_at FROM questions WHERE id = ?', { replacements: [q.id], type: QueryTypes.SELECT });
  assert.ok(row.deleted_at, 'the row is kept, soft-deleted');
});

it('answers: accepted first, only one accepted, partial update, delete; another question\'s answer is 404', async () => {
  const q = await question({ title: 'Which payment methods?', body: 'Several.', category: freshCategory() });
  const other = await question({ title: 'Other', body: 'o', category: freshCategory() });
  const first = await answer(q.id, { body: 'Credit card.' });
  const second = await answer(q.id, { body: 'PayPal too.', is_accepted: true, question_id: other.id });
  assert.is(second.question_id, q.id, 'the question comes from the path');
  const third = await answer(q.id, { body: 'And bank transfer.' });
  const order = async () => (await call('GET', `/public/questions/${q.id}/answers`)).body.data.map((x: { id: number; is_accepted: boolean }) => [x.id, x.is_accepted]);
  assert.equal(await order(), [[second.id, true], [first.id, false], [third.id, false]]);
  const accepted = await call('PUT', `/questions/${q.id}/answers/${third.id}`, { token: editor, body: { is_accepted: true } });
  assert.equal([accepted.status, accepted.body.body, accepted.body.is_accepted], [200, 'And bank transfer.', true]);
  assert.equal(await order(), [[third.id, true], [first.id, false], [second.id, false]], 'accepting one un-accepts the other');
  const shown = await call('GET', `/public/questions/${q.id}`);
  assert.equal(shown.body.answers.map((x: { id: number }) => x.id), [third.id, first.id, second.id]);
  const edited = await call('PATCH', `/questions/${q.id}/answers/${first.id}`, { token: editor, body: { body: 'Visa and Mastercard.' } });
  assert.equal([edited.body.body, edited.body.is_accepted], ['Visa and Mastercard.', false]);
  assert.is((await call('GET', `/questions/${other.id}/answers/${first.id}`, { token: editor })).status, 404);
  assert.is((await call('PUT', `/questions/${other.id}/answers/${first.id}`, { token: editor, body: { body: 'x' } })).status, 404);
  assert.is((await call('DELETE', `/questions/${other.id}/answers/${first.id}`, { token: editor })).status, 404);
  assert.is((await call('DELETE', `/questions/${q.id}/answers/${second.id}`, { token: editor })).status, 204);
  assert.is((await call('GET', `/questions/${q.id}/answers`, { token: editor })).body.total, 2);
  assert.is((await call('GET', `/public/questions?category=${encodeURIComponent(shown.body.category)}`)).body.data[0].answers_count, 2);
  assert.is((await call('POST', '/questions/99999999/answers', { token: editor, body: { body: 'x' } })).status, 404);
});

it('permissions: every admin route needs settings.update (an admin with settings.view only is refused)', async () => {
  const q = await question({ title: 'Perm', body: 'p', category: freshCategory() });
  const a = await answer(q.id, { body: 'x' });
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/questions'], ['GET', `/questions/${q.id}`], ['POST', '/questions', { title: 't', body: 'b' }], ['PUT', `/questions/${q.id}`, { title: 't' }],
    ['PATCH', `/questions/${q.id}`, { title: 't' }], ['DELETE', `/questions/${q.id}`], ['GET', `/questions/${q.id}/answers`], ['GET', `/questions/${q.id}/answers/${a.id}`],
    ['POST', `/questions/${q.id}/answers`, { body: 'b' }], ['PUT', `/questions/${q.id}/answers/${a.id}`, { body: 'b' }], ['DELETE', `/questions/${q.id}/answers/${a.id}`],
  ];
  for (const [method, path, body] of routes) {
    assert.is((await call(method, path, { body })).status, 401, `${method} ${path} without a token`);
    for (const token of [customer, admin]) assert.is((await call(method, path, { token, body })).status, 403, `${method} ${path}`);
  }
  assert.is((await call('GET', `/questions/${q.id}`, { token: settingsEditor })).status, 200, 'settings.update is enough');
  assert.is((await call('GET', '/public/questions', { token: 'garbage' })).status, 200, 'public routes ignore a bad token');
});

it('admin list: unpublished too; filters is_published, category, search', async () => {
  const category = freshCategory();
  const shown = await question({ title: 'Gift wrapping', body: 'We wrap gifts.', category });
  const hidden = await question({ title: 'Secret sale', body: 'Soon.', category, is_published: false });
  const all = await call('GET', `/questions?category=${category}`, { token: editor });
  assert.equal(ids(all.body.data), [shown.id, hidden.id]);
  assert.equal(ids((await call('GET', `/questions?category=${category}&is_published=false`, { token: editor })).body.data), [hidden.id]);
  assert.equal(ids((await call('GET', `/questions?category=${category}&search=wrap`, { token: editor })).body.data), [shown.id]);
});

it('bad input is a 422 naming the field, never a 5xx', async () => {
  const empty = await call('POST', '/questions', { token: editor, body: {} });
  assert.equal([empty.status, Object.keys(empty.body.errors).sort()], [422, ['body', 'title']]);
  const wrong = await call('POST', '/questions', { token: editor, body: { title: '  ', body: 'x', position: -1, is_published: 'maybe', category: 'c'.repeat(101) } });
  assert.equal([wrong.status, Object.keys(wrong.body.errors).sort()], [422, ['category', 'is_published', 'position', 'title']]);
  assert.is((await call('POST', '/questions', { token: editor, body: { title: 'x'.repeat(256), body: 'b' } })).status, 422);
  const q = await question({ title: 'Valid', body: 'v', category: freshCategory() });
  assert.equal(Object.keys((await call('PATCH', `/questions/${q.id}`, { token: editor, body: { title: '' } })).body.errors), ['title']);
  assert.equal(Object.keys((await call('POST', `/questions/${q.id}/answers`, { token: editor, body: { is_accepted: true } })).body.errors), ['body']);
  assert.is((await call('POST', '/questions', { token: editor, raw: '{"title":' })).status, 400);
  assert.is((await call('GET', '/public/questions/abc')).status, 422);
  assert.is((await call('GET', '/public/questions/0')).status, 422);
  assert.is((await call('GET', `/public/questions/${q.id}/answers/x`)).status, 422);
  assert.is((await call('GET', '/public/questions/99999999')).status, 404);
});

it('search: q of 2+ characters (422 otherwise), published only, paginated', async () => {
  for (const q of ['', 'a', ' a ']) {
    const res = await call('GET', `/public/search?q=${encodeURIComponent(q)}`);
    assert.equal([res.status, Object.keys(res.body.errors ?? {})], [422, ['q']], `q=${JSON.stringify(q)}`);
  }
  const missing = await call('GET', '/public/search');
  assert.equal([missing.status, Object.keys(missing.body.errors)], [422, ['q']]);
  const word = `zq${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const category = freshCategory();
  for (let i = 0; i < 4; i++) await question({ title: `Question ${i} about ${word}`, body: 'b', category });
  await question({ title: `Draft about ${word}`, body: 'b', category, is_published: false });
  const page = await call('GET', `/public/search?q=${word}&per_page=3`);
  assert.is(page.status, 200, page.text);
  assert.equal([page.body.total, page.body.data.length, page.body.last_page], [4, 3, 2]);
  assert.ok(page.body.data.every((q: { is_published: boolean }) => q.is_published));
  assert.is((await call('GET', `/public/search?q=${word}&per_page=3&page=2`)).body.data.length, 1);
  assert.is((await call('GET', '/public/search?q=%2B%2B%2B')).body.total, 0, 'operators only: nothing, not an error');
  assert.is((await call('GET', `/public/search?q=${encodeURIComponent(`"${word}" -( ~*@`)}`)).body.total, 4, 'boolean-mode operators are not passed through');
});

it('search ranking: title matches first, then body, then answers; prefixes and short words match (category filter)', async () => {
  const stem = `vq${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const word = `${stem}ship`;
  const category = freshCategory();
  const inAnswer = await question({ title: 'Parcel questions', body: 'About parcels.', category, position: 0 });
  await answer(inAnswer.id, { body: `Yes, we ${word} abroad.` });
  const inBody = await question({ title: 'Abroad orders', body: `We ${word} to most countries.`, category, position: 0 });
  const inTitle = await question({ title: `Do you ${word} abroad?`, body: 'Yes.', category, position: 5 });
  await question({ title: 'Unrelated', body: 'Nothing to see.', category });
  const results = async (q: string) => ids((await call('GET', `/public/search?q=${encodeURIComponent(q)}&category=${category}`)).body.data);
  const elsewhere = await question({ title: `Also ${word}`, body: 'b', category: freshCategory() });
  assert.equal(await results(word), [inTitle.id, inBody.id, inAnswer.id]);
  assert.ok(ids((await call('GET', `/public/search?q=${word}`)).body.data).includes(elsewhere.id), 'without the category filter, every category');
  assert.equal(await results(stem), [inTitle.id, inBody.id, inAnswer.id], 'a prefix finds the whole word');
  assert.equal(await results(`${word.toUpperCase()}`), [inTitle.id, inBody.id, inAnswer.id], 'case does not matter');

  const short = await question({ title: `Is there a ${stem} TV stand?`, body: 'It fits a tv.', category });
  const shortBody = await question({ title: `${stem} furniture`, body: 'Fits any TV up to 55 inches.', category });
  const found = await results('tv');
  assert.ok(found.indexOf(short.id) >= 0 && found.indexOf(shortBody.id) > found.indexOf(short.id), 'a two-letter word matches, titles first');
  const answerOnly = await question({ title: 'What about stopwords', body: 'what is indexed?', category });
  assert.ok((await results('what')).includes(answerOnly.id), 'a stopword the index ignores still matches');
});

it('health reports the database', async () => {
  assert.equal((await call('GET', '/health')).body, { status: 'ok', service: 'questions', database: 'up' });
});

it.run();
