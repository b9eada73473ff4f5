import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { signToken } from '../../functions/kit/jwt';
import { adminToken, client, type Call } from '../helpers/http';
import { testPlatform } from '../helpers/platform';
import { eventually } from '../helpers/eventually';

/** The FAQ and the websites' configuration through Nginx, the gateway, the services and the broker. */
const e2e = suite('end to end: FAQ and websites');
let call: Call;
let admin: string;

let nextCustomer = 800_000 + Math.floor(Math.random() * 100_000);
const customerToken = () => signToken({ id: ++nextCustomer, email: `c${nextCustomer}@example.com`, roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token;

e2e.before(async () => {
  const platform = await testPlatform();
  call = client(platform.urls.nginx);
  admin = await adminToken(call);
});

e2e('an FAQ is written by an administrator, published, read (views counted) and searched, ranked', async () => {
  const word = `e2e${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const category = `faq-${word}`;
  const write = (body: object) => call('POST', '/api/v1/questions/questions', { token: admin, body: { category, ...body } });
  const inTitle = await write({ title: `How do I ${word}?`, body: 'Follow the guide.', position: 2 });
  assert.is(inTitle.status, 201, inTitle.text);
  const inBody = await write({ title: 'Another question', body: `You can ${word} from your account.`, position: 1 });
  const draft = await write({ title: `Draft on ${word}`, body: 'Not yet.', is_published: false });
  assert.is((await call('POST', '/api/v1/questions/questions', { token: customerToken(), body: { title: 't', body: 'b' } })).status, 403);
  const answer = await call('POST', `/api/v1/questions/questions/${inTitle.body.id}/answers`, { token: admin, body: { body: 'From the settings page.', is_accepted: true } });
  assert.is(answer.status, 201, answer.text);

  const faq = await call('GET', `/api/v1/questions/public/questions?category=${category}`);
  assert.equal(faq.body.data.map((q: { id: number }) => q.id), [inBody.body.id, inTitle.body.id], 'published only, by position');
  const shown = await call('GET', `/api/v1/questions/public/questions/${inTitle.body.id}`);
  assert.equal([shown.status, shown.body.views, shown.body.answers[0].is_accepted], [200, 1, true]);
  assert.is((await call('GET', `/api/v1/questions/public/questions/${draft.body.id}`)).status, 404);

  const found = await call('GET', `/api/v1/questions/public/search?q=${word}`);
  assert.is(found.status, 200, found.text);
  assert.equal(found.body.data.map((q: { id: number }) => q.id), [inTitle.body.id, inBody.body.id], 'the title match first; the draft never');
  assert.is((await call('GET', `/api/v1/questions/public/search?q=${word.slice(0, 6)}`)).body.data[0].id, inTitle.body.id, 'a prefix matches');
  const short = await call('GET', '/api/v1/questions/public/search?q=x');
  assert.equal([short.status, Object.keys(short.body.errors)], [422, ['q']]);
});

e2e('a fresh platform answers /config with its seeded default site, before anyone creates one', async () => {
  const config = await call('GET', '/api/v1/websites/config');
  assert.is(config.status, 200, config.text);
  assert.equal([config.body.name, config.body.domain, config.body.is_active, config.body.is_default, config.body.matched], ['Shop', 'localhost', true, true, 'default']);
  const local = await call('GET', '/api/v1/websites/config?domain=localhost');
  assert.equal([local.status, local.body.id, local.body.matched], [200, config.body.id, 'domain']);
});

e2e("a website created by an administrator answers /config for its domain, and the basket's shipping follows the default site", async () => {
  const seeded = (await call('GET', '/api/v1/websites/config')).body;
  assert.is(seeded.is_default, true, 'the seeded default site');
  try {
    await shippingFollowsTheDefaultSite();
  } finally {
    // The platform is left with its default site, as the suites after this one expect.
    const restored = await call('PATCH', `/api/v1/websites/websites/${seeded.id}`, { token: admin, body: { is_default: true } });
    assert.is(restored.status, 200, restored.text);
  }
});

async function shippingFollowsTheDefaultSite() {
  const domain = `shop-${randomUUID().slice(0, 8)}.example.com`;
  const created = await call('POST', '/api/v1/websites/websites', {
    token: admin,
    body: { name: 'E2E shop', domain: domain.toUpperCase(), is_default: true, settings: { currency: 'EUR', shipping_costs: { standard: '3.90' }, free_shipping_threshold: '50.00' } },
  });
  assert.is(created.status, 201, created.text);
  let productId: number | undefined;
  try {
    const config = await call('GET', `/api/v1/websites/config?domain=www.${domain}`);
    assert.equal([config.status, config.body.id, config.body.matched, config.body.settings.shipping_costs.standard], [200, created.body.id, 'domain', '3.90']);
    assert.is((await call('GET', '/api/v1/websites/config?domain=elsewhere.example.org')).body.id, created.body.id, 'unknown domains get the default site');
    assert.is((await call('POST', '/api/v1/websites/websites', { token: admin, body: { name: 'Copy', domain } })).status, 409);

    const vat = (await call('GET', '/api/v1/products/vat')).body.data.find((v: { rate: string }) => Number(v.rate) === 20);
    const type = await call('POST', '/api/v1/products/admin/types', { token: admin, body: { name: `Type ${randomUUID().slice(0, 8)}`, vat_id: vat.id } });
    const product = await call('POST', '/api/v1/products/admin/products', {
      token: admin, body: { name: `Lamp ${randomUUID().slice(0, 8)}`, ref: `L-${randomUUID().slice(0, 12)}`, price_ht: '10.00', stock: 50, type_ids: [type.body.id] },
    });
    assert.is(product.status, 201, product.text);
    productId = product.body.id;
    const token = customerToken();
    const added = await eventually(() => call('POST', '/api/v1/baskets/baskets/items', { token, body: { product_id: product.body.id, quantity: 1 } }), (r) => r.status !== 422, 'the basket read model');
    assert.is(added.status, 200, added.text);
    const basket = () => call('GET', '/api/v1/baskets/baskets/current', { token });
    const one = await eventually(basket, (r) => r.body.shipping === '3.90', "the default site's shipping cost");
    assert.is(one.body.total_ttc, '15.90');
    const more = await call('POST', '/api/v1/baskets/baskets/items', { token, body: { product_id: product.body.id, quantity: 4 } });
    assert.equal([more.body.data.total_ttc, more.body.data.shipping], ['60.00', '0.00'], '60.00 of goods reach the 50.00 threshold');

    const cheaper = await call('PATCH', `/api/v1/websites/websites/${created.body.id}`, { token: admin, body: { settings: { free_shipping_threshold: null, shipping_costs: { standard: '2.00' } } } });
    assert.equal([cheaper.status, cheaper.body.settings.shipping_costs.express], [200, '9.90']);
    await eventually(basket, (r) => r.body.shipping === '2.00', 'the changed settings');
  } finally {
    assert.is((await call('DELETE', `/api/v1/websites/websites/${created.body.id}`, { token: admin })).status, 204);
  }
  const token = customerToken();
  await call('POST', '/api/v1/baskets/baskets/items', { token, body: { product_id: productId, quantity: 1 } });
  await eventually(() => call('GET', '/api/v1/baskets/baskets/current', { token }), (r) => r.body.shipping === '5.90', 'the flat shipping once the site is deleted');
}

e2e.run();
