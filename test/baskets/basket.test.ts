import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EVENTS } from '../../functions/contracts/commerce';
import type { Call } from '../helpers/http';
import { customerToken, db, deliver, freshId, product, promoCode, staffToken, startBaskets } from './helpers';

const it = suite('baskets: the customer basket');
let call: Call;
let url: string;
let close: () => Promise<void>;

it.before(async () => {
  ({ call, url, close } = await startBaskets());
});
it.after(() => close());

/** Two products at mixed VAT rates, in a new customer's basket: 3 × 19.90 at 20%, 3 × 4.35 at 5.5%. */
async function mixedBasket() {
  const a = await product(url, { price_ht: '19.90', vat_rate: '20.00' });
  const b = await product(url, { price_ht: '4.35', vat_rate: '5.50' });
  const user = customerToken();
  await call('POST', '/baskets/items', { token: user.token, body: { product_id: a.id, quantity: 3 } });
  const res = await call('POST', '/baskets/items', { token: user.token, body: { product_id: b.id, quantity: 3 } });
  assert.is(res.status, 200, res.text);
  return { a, b, user, basket: res.body.data };
}

const figures = (basket: any) => [basket.subtotal_ht, basket.discount, basket.vat, basket.shipping, basket.total_ttc];
const lines = (basket: any) => basket.items.map((i: any) => [i.line_subtotal_ht, i.line_discount, i.line_vat, i.line_total_ttc]);
const apply = async (token: string, code: string) => call('POST', '/baskets/promo-codes', { token, body: { code } });

it('GET /baskets/current needs a token, starts empty, and stays the same basket', async () => {
  assert.is((await call('GET', '/baskets/current')).status, 401);
  const user = customerToken();
  const first = await call('GET', '/baskets/current', { token: user.token });
  assert.is(first.status, 200);
  assert.equal([first.body.user_id, first.body.status, first.body.items, first.body.items_count, first.body.total_ttc, first.body.shipping], [user.id, 'active', [], 0, '0.00', '0.00']);
  assert.is((await call('GET', '/baskets/current', { token: user.token })).body.id, first.body.id);
});

it('concurrent first calls of GET /baskets/current create one basket', async () => {
  const users = Array.from({ length: 6 }, () => customerToken());
  const answers = await Promise.all(users.flatMap((user) => Array.from({ length: 10 }, () => call('GET', '/baskets/current', { token: user.token }))));
  assert.ok(answers.every((a) => a.status === 200), answers.map((a) => a.status).join());
  for (const user of users) {
    assert.is(new Set(answers.filter((a) => a.body.user_id === user.id).map((a) => a.body.id)).size, 1);
    assert.is(await db.models.Basket.count({ where: { user_id: user.id } }), 1);
  }
});

it('adding: 200 { message, data: basket }, price and name from the read model, same product sums', async () => {
  const p = await product(url, { price_ht: '12.50', vat_rate: '20.00', name: 'Teapot', ref: 'TEA-1' });
  const user = customerToken();
  const added = await call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: 2, unit_price_ht: '0.01', price_ht: '0.01', product_name: 'Free', user_id: 1 } });
  assert.is(added.status, 200);
  assert.is(added.body.message, 'Product added to the basket.');
  const [item] = added.body.data.items;
  assert.equal([item.product_name, item.product_ref, item.unit_price_ht, item.vat_rate, item.quantity], ['Teapot', 'TEA-1', '12.50', '20.00', 2]);
  assert.is(added.body.data.user_id, user.id);
  const again = await call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: '3' } });
  assert.equal(again.body.data.items.map((i: any) => [i.id, i.quantity]), [[item.id, 5]]);
  // 5 × 12.50 = 62.50; VAT 12.50; shipping 5.90
  assert.equal(figures(again.body.data), ['62.50', '0.00', '12.50', '5.90', '80.90']);
  assert.is(again.body.data.items_count, 5);
});

it('concurrent adds of one product make one line with every quantity', async () => {
  const p = await product(url, { price_ht: '1.00', vat_rate: '20.00' });
  const user = customerToken();
  const answers = await Promise.all(Array.from({ length: 6 }, () => call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: 1 } })));
  assert.ok(answers.every((a) => a.status === 200), answers.map((a) => a.text).join('\n'));
  const basket = (await call('GET', '/baskets/current', { token: user.token })).body;
  assert.equal(basket.items.map((i: any) => i.quantity), [6]);
});

it('more than the available stock is a 409, on adding, on summing and on changing a quantity', async () => {
  const p = await product(url, { price_ht: '3.00', vat_rate: '20.00', available: 4, stock: 6, reserved: 2 });
  const user = customerToken();
  const tooMany = await call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: 5 } });
  assert.is(tooMany.status, 409);
  assert.match(tooMany.body.message, /Only 4/);
  const ok = await call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: 3 } });
  assert.is(ok.status, 200);
  assert.is((await call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: 2 } })).status, 409, '3 + 2 > 4');
  const itemId = ok.body.data.items[0].id;
  assert.is((await call('PUT', `/baskets/items/${itemId}`, { token: user.token, body: { quantity: 5 } })).status, 409);
  const basket = (await call('GET', '/baskets/current', { token: user.token })).body;
  assert.equal(basket.items.map((i: any) => i.quantity), [3], 'nothing changed');
});

it('an unknown, inactive or deleted product is a 422 on product_id', async () => {
  const user = customerToken();
  const unknown = await call('POST', '/baskets/items', { token: user.token, body: { product_id: freshId(), quantity: 1 } });
  assert.is(unknown.status, 422);
  assert.ok(unknown.body.errors.product_id);
  const inactive = await product(url, { price_ht: '3.00', vat_rate: '20.00', is_active: false });
  assert.is((await call('POST', '/baskets/items', { token: user.token, body: { product_id: inactive.id, quantity: 1 } })).status, 422);
  const gone = await product(url, { price_ht: '3.00', vat_rate: '20.00' });
  await deliver(url, EVENTS.productDeleted, { id: gone.id });
  assert.is((await call('POST', '/baskets/items', { token: user.token, body: { product_id: gone.id, quantity: 1 } })).status, 422);
  assert.equal((await call('GET', '/baskets/current', { token: user.token })).body.items, []);
});

it('changing a quantity, removing a line, clearing: each answers the whole basket', async () => {
  const { user, basket, b } = await mixedBasket();
  const [lineA, lineB] = basket.items;
  const changed = await call('PUT', `/baskets/items/${lineA.id}`, { token: user.token, body: { quantity: 1 } });
  assert.equal([changed.status, changed.body.message], [200, 'Quantity updated.']);
  // 19.90 + 13.05 = 32.95; VAT 3.98 + 0.72 = 4.70
  assert.equal(figures(changed.body.data), ['32.95', '0.00', '4.70', '5.90', '43.55']);
  const patched = await call('PATCH', `/baskets/items/${lineB.id}`, { token: user.token, body: { quantity: 2 } });
  assert.equal(patched.body.data.items.map((i: any) => i.quantity), [1, 2]);
  const removed = await call('DELETE', `/baskets/items/${lineA.id}`, { token: user.token });
  assert.equal([removed.status, removed.body.data.items.map((i: any) => i.product_id)], [200, [b.id]]);
  assert.is((await call('DELETE', `/baskets/items/${lineA.id}`, { token: user.token })).status, 404, 'already removed');
  const code = await promoCode(call, 'percentage', '10');
  await apply(user.token, code.code);
  const cleared = await call('DELETE', '/baskets/clear', { token: user.token });
  assert.equal([cleared.status, cleared.body.message, cleared.body.data.items, cleared.body.data.promo_codes, cleared.body.data.total_ttc], [200, 'Basket cleared.', [], [], '0.00']);
});

it("another user's line is a 404 and stays as it is", async () => {
  const { user, basket } = await mixedBasket();
  const other = customerToken();
  const line = basket.items[0].id;
  assert.is((await call('PUT', `/baskets/items/${line}`, { token: other.token, body: { quantity: 1 } })).status, 404);
  assert.is((await call('DELETE', `/baskets/items/${line}`, { token: other.token })).status, 404);
  assert.equal((await call('GET', '/baskets/current', { token: user.token })).body.items.map((i: any) => i.quantity), [3, 3]);
  assert.equal((await call('GET', '/baskets/current', { token: other.token })).body.items, []);
});

it('totals with each promo type, VAT at 20% and 5.5% (figures by hand)', async () => {
  const cases: Array<[string, Parameters<typeof promoCode>[1], string, string[], string[][]]> = [
    // 10% of 72.75 = 7.275 → 7.28, spread 5.97 / 1.31; VAT 53.73 × 20% = 10.746 → 10.75, 11.74 × 5.5% = 0.6457 → 0.65
    ['10%', 'percentage', '10', ['72.75', '7.28', '11.40', '5.90', '82.77'], [['59.70', '5.97', '10.75', '64.48'], ['13.05', '1.31', '0.65', '12.39']]],
    // 100 € > 72.75: capped; lines and VAT at 0; the shipping is still paid
    ['fixed 100', 'fixed_amount', '100', ['72.75', '72.75', '0.00', '5.90', '5.90'], [['59.70', '59.70', '0.00', '0.00'], ['13.05', '13.05', '0.00', '0.00']]],
    // 5 €: spread 4.10 / 0.90; VAT 55.60 × 20% = 11.12, 12.15 × 5.5% = 0.66825 → 0.67
    ['fixed 5', 'fixed_amount', '5', ['72.75', '5.00', '11.79', '5.90', '85.44'], [['59.70', '4.10', '11.12', '66.72'], ['13.05', '0.90', '0.67', '12.82']]],
    // the shipping cost; VAT 11.94 + 0.71775 → 0.72
    ['free shipping', 'free_shipping', '0', ['72.75', '5.90', '12.66', '5.90', '85.41'], [['59.70', '0.00', '11.94', '71.64'], ['13.05', '0.00', '0.72', '13.77']]],
    // 15% of 72.75 = 10.9125 → 10.91, spread 8.95 / 1.96; VAT 50.75 × 20% = 10.15, 11.09 × 5.5% = 0.60995 → 0.61
    ['first order 15%', 'first_order', '15', ['72.75', '10.91', '10.76', '5.90', '78.50'], [['59.70', '8.95', '10.15', '60.90'], ['13.05', '1.96', '0.61', '11.70']]],
  ];
  for (const [label, kind, value, expected, expectedLines] of cases) {
    const { user } = await mixedBasket();
    const code = await promoCode(call, kind, value);
    const res = await apply(user.token, code.code);
    assert.is(res.status, 200, `${label}: ${res.text}`);
    assert.equal(figures(res.body.data), expected, label);
    assert.equal(lines(res.body.data), expectedLines, label);
    assert.equal(res.body.data.promo_codes.map((c: any) => [c.code, c.discount, c.applies]), [[code.code, expected[1], true]], label);
  }
});

it('a fixed code larger than the subtotal with free shipping: total 0, never negative', async () => {
  const { user } = await mixedBasket();
  await apply(user.token, (await promoCode(call, 'fixed_amount', '500')).code);
  const res = await apply(user.token, (await promoCode(call, 'free_shipping', '0')).code);
  assert.equal(figures(res.body.data), ['72.75', '78.65', '0.00', '5.90', '0.00']);
});

it('rounding per line, half-up: two lines of 1.00 at 5.5% carry 0.06 of VAT each', async () => {
  const user = customerToken();
  for (const price of ['1.00', '1.00', '0.10']) {
    const p = await product(url, { price_ht: price, vat_rate: '5.50' });
    await call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: 1 } });
  }
  const basket = (await call('GET', '/baskets/current', { token: user.token })).body;
  // 0.055 → 0.06, 0.055 → 0.06, 0.0055 → 0.01: 0.13 (0.12 if rounded once on 2.10)
  assert.equal(basket.items.map((i: any) => i.line_vat), ['0.06', '0.06', '0.01']);
  assert.equal(figures(basket), ['2.10', '0.00', '0.13', '5.90', '8.13']);
});

it('bad input answers 4xx, never 5xx', async () => {
  const user = customerToken();
  const p = await product(url, { price_ht: '1.00', vat_rate: '20.00' });
  const attempts: Array<[string, string, unknown?]> = [
    ['POST', '/baskets/items', {}],
    ['POST', '/baskets/items', { product_id: p.id, quantity: 0 }],
    ['POST', '/baskets/items', { product_id: p.id, quantity: -2 }],
    ['POST', '/baskets/items', { product_id: p.id, quantity: 1.5 }],
    ['POST', '/baskets/items', { product_id: p.id, quantity: 10_000_000 }],
    ['POST', '/baskets/items', { product_id: 'abc', quantity: 1 }],
    ['POST', '/baskets/items', { product_id: 99_999_999_999, quantity: 1 }],
    ['POST', '/baskets/items', { product_id: null, quantity: null }],
    ['POST', '/baskets/items', [1, 2]],
    ['PUT', '/baskets/items/abc', { quantity: 1 }],
    ['PUT', '/baskets/items/0', { quantity: 1 }],
    ['PUT', '/baskets/items/99999999999', { quantity: 1 }],
    ['PUT', `/baskets/items/${freshId()}`, { quantity: 1 }],
    ['DELETE', '/baskets/items/-1'],
    ['POST', '/baskets/promo-codes', {}],
    ['POST', '/baskets/promo-codes', { code: '' }],
    ['POST', '/baskets/promo-codes', { code: 'x'.repeat(500) }],
    ['POST', '/baskets/promo-codes', { code: { $gt: '' } }],
    ['POST', '/baskets/promo-codes', { code: "' OR 1=1 --" }],
    ['DELETE', '/baskets/promo-codes/abc'],
    ['DELETE', `/baskets/promo-codes/${freshId()}`],
    ['POST', '/promo-codes/validate', { code: 'X', amount: '-5' }],
    ['POST', '/promo-codes/validate', { code: 'X', amount: '1.999' }],
    ['POST', '/promo-codes/validate', { amount: '10' }],
  ];
  for (const [method, path, body] of attempts) {
    const res = await call(method, path, { token: user.token, body });
    assert.ok(res.status >= 400 && res.status < 500, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
  }
  const malformed = await call('POST', '/baskets/items', { token: user.token, raw: '{"product_id":' });
  assert.is(malformed.status, 400);
  const bearer = await call('GET', '/baskets/current', { headers: { authorization: 'Bearer not-a-token' } });
  assert.is(bearer.status, 401);
});

it('admin baskets: staff list, filter, read and delete; a customer gets 403', async () => {
  const { user, basket } = await mixedBasket();
  const staff = staffToken();
  const list = await call('GET', `/admin/baskets?user_id=${user.id}`, { token: staff });
  assert.is(list.status, 200);
  assert.equal([list.body.total, list.body.data[0].id, list.body.data[0].total_ttc], [1, basket.id, basket.total_ttc]);
  assert.is((await call('GET', '/admin/baskets?status=checked_out&sort=-id&per_page=5', { token: staff })).status, 200);
  assert.is((await call('GET', '/admin/baskets?status=lost', { token: staff })).status, 422);
  assert.is((await call('GET', `/admin/baskets/${basket.id}`, { token: staff })).body.id, basket.id);
  assert.is((await call('GET', '/admin/baskets', { token: user.token })).status, 403, 'orders.view alone does not open every basket to a customer');
  assert.is((await call('GET', `/admin/baskets/${basket.id}`, { token: user.token })).status, 403);
  assert.is((await call('DELETE', `/admin/baskets/${basket.id}`, { token: staffToken(['orders.view']) })).status, 403);
  assert.is((await call('DELETE', `/admin/baskets/${basket.id}`, { token: staff })).status, 204);
  assert.is((await call('GET', `/admin/baskets/${basket.id}`, { token: staff })).status, 404);
  const fresh = await call('GET', '/baskets/current', { token: user.token });
  assert.equal([fresh.status, fresh.body.items], [200, []], 'the customer starts a new basket');
});

it.run();
