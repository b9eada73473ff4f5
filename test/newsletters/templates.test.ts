import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { escapeHtml, renderHtml, renderText, textFromHtml, variablesOf } from '../../functions/newsletters/render';
import type { Call } from '../helpers/http';
import { serveNewsletters, tokens, uniqueTag } from './helpers';

const it = suite('newsletters: templates');
let call: Call;

it.before(async () => {
  ({ call } = await serveNewsletters());
});

it('rendering: variables escaped in HTML, as is in text; unknown ones empty; spaces inside braces allowed', () => {
  const vars = { name: `<img src=x onerror="alert('1')">`, unsubscribe_url: 'https://shop.test/u?a=1&b=2' };
  assert.is(renderHtml('<p>{{name}}</p><a href="{{ unsubscribe_url }}">x</a>{{missing}}', vars), '<p>&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;</p><a href="https://shop.test/u?a=1&amp;b=2">x</a>');
  assert.is(renderText('Hi {{name}} {{unsubscribe_url}}', vars), `Hi ${vars.name} https://shop.test/u?a=1&b=2`);
  assert.is(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  assert.equal(variablesOf('{{a}} {{ b }} {{a}} {{ 1x }}'), ['a', 'b']);
  assert.is(textFromHtml('<h1>Title</h1><p>Go <a href="https://x.test">there</a></p>'), 'Title\nGo there (https://x.test)');
});

it('CRUD: 201 with the variables it uses; slug unique (409); partial PUT; 204 then 404; list search; bad input 422', async () => {
  const slug = uniqueTag('tpl');
  const created = await call('POST', '/templates', { token: tokens.editor, body: { name: 'Welcome', slug, subject: 'Welcome {{name}}', html_content: '<p>{{name}}, {{unsubscribe_url}}</p>', category: 'marketing', id: 99, extra: 'x' } });
  assert.is(created.status, 201, created.text);
  assert.equal([created.body.slug, created.body.variables, created.body.is_active, created.body.category], [slug, ['name', 'unsubscribe_url'], true, 'marketing']);
  assert.not.ok('extra' in created.body);
  assert.is((await call('POST', '/templates', { token: tokens.editor, body: { name: 'Again', slug, subject: 's', html_content: 'h' } })).status, 409);
  const put = await call('PUT', `/templates/${created.body.id}`, { token: tokens.editor, body: { is_active: false } });
  assert.equal([put.status, put.body.is_active, put.body.name], [200, false, 'Welcome']);
  const list = await call('GET', `/templates?search=${slug}`, { token: tokens.editor });
  assert.equal([list.body.total, list.body.data[0].id], [1, created.body.id]);
  for (const body of [{ slug: 'Has Spaces', name: 'x', subject: 's', html_content: 'h' }, { slug: uniqueTag(), name: 'x', subject: 's' }, { slug: uniqueTag(), name: 'x', subject: 's', html_content: 'h', variables: ['bad-name'] }]) {
    assert.is((await call('POST', '/templates', { token: tokens.editor, body })).status, 422, JSON.stringify(body));
  }
  assert.is((await call('DELETE', `/templates/${created.body.id}`, { token: tokens.editor })).status, 204);
  assert.is((await call('GET', `/templates/${created.body.id}`, { token: tokens.editor })).status, 404);
});

it('preview renders with escaping; templates need settings.update even to read', async () => {
  const created = await call('POST', '/templates', { token: tokens.admin, body: { name: 'Preview', slug: uniqueTag('pv'), subject: 'For {{name}}', html_content: '<b>{{name}}</b>' } });
  const preview = await call('POST', `/templates/${created.body.id}/preview`, { token: tokens.admin, body: { variables: { name: '<i>Al & Bo</i>' } } });
  assert.equal([preview.status, preview.body.subject, preview.body.html], [200, 'For <i>Al & Bo</i>', '<b>&lt;i&gt;Al &amp; Bo&lt;/i&gt;</b>']);
  assert.is((await call('GET', '/templates', { token: tokens.reporter })).status, 403);
  assert.is((await call('GET', '/templates')).status, 401);
  assert.is((await call('POST', '/templates', { token: tokens.customer, body: {} })).status, 403);
  const seeded = await call('GET', '/templates?search=subscription-confirmation', { token: tokens.admin });
  assert.is(seeded.body.data[0]?.slug, 'subscription-confirmation', 'the confirmation mail is a template staff can edit');
});

it.run();
