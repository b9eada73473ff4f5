import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { baskets } from '../../functions/baskets';
import { adminRoutesNotAnswering } from '../helpers/admin';
import type { Call } from '../helpers/http';
import { customerToken, db, product, promoCode, staffToken, startBaskets, typeIdOf, uniqueCode } from './helpers';

const it = suite('baskets: promo codes and types');
let call: Call;
let url: string;
let close: () => Promise<void>;

it.before(async () => {
  ({ call, url, close } = await startBaskets());
});
it.after(() => close());

const day = 24 * 3600 * 1000;
const inDays = (n: number) => new Date(Date.now() + n * day).toISOString();

/** A customer with 40.00 HT in their basket (2 × 20.00 at 20%). */
async function customerWith40() {
  const p = await product(url, { price_ht: '20.00', vat_rate: '20.00' });
  const user = customerToken();
  const res = await call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: 2 } });
  assert.is(res.status, 200, res.text);
  return { user, itemId: res.body.data.items[0].id as number };
}
const apply = (token: string, code: string) => call('POST', '/baskets/promo-codes', { token, body: { code } });

it('the four promo types are seeded', async () => {
  const res = await call('GET', '/admin/types?per_page=100', { token: staffToken() });
  assert.is(res.status, 200);
  const seeded = res.body.data.filter((t: any) => ['Pourcentage', 'Montant fixe', 'Livraison gratuite', 'Première commande'].includes(t.name));
  assert.equal(seeded.map((t: any) => [t.name, t.kind, t.symbol]), [
    ['Pourcentage', 'percentage', '%'], ['Montant fixe', 'fixed_amount', '€'], ['Livraison gratuite', 'free_shipping', null], ['Première commande', 'first_order', '%'],
  ]);
});

it('each reason a code cannot apply is a 422 naming it', async () => {
  const { user } = await customerWith40();
  const reasons: Array<[Record<string, unknown>, RegExp]> = [
    [{ is_active: false }, /not active/],
    [{ starts_at: inDays(2) }, /not valid yet/],
    [{ starts_at: inDays(-10), expires_at: inDays(-1) }, /expired/],
    [{ min_amount: '40.01' }, /minimum amount of 40\.01/],
  ];
  for (const [extra, reason] of reasons) {
    const code = await promoCode(call, 'percentage', '10', extra);
    const res = await apply(user.token, code.code);
    assert.is(res.status, 422, `${JSON.stringify(extra)}: ${res.text}`);
    assert.match(res.body.errors.code[0], reason);
    assert.match(res.body.message, reason);
  }
  const exhausted = await promoCode(call, 'percentage', '10', { max_uses: 2 });
  await db.models.PromoCode.update({ uses: 2 }, { where: { id: exhausted.id } });
  const used = await apply(user.token, exhausted.code);
  assert.equal([used.status, used.body.errors.code], [422, ['This promo code has reached its maximum number of uses.']]);
  const unknown = await apply(user.token, uniqueCode('NOPE'));
  assert.equal([unknown.status, unknown.body.errors.code], [422, ['This promo code does not exist.']]);
  const atMinimum = await promoCode(call, 'percentage', '10', { min_amount: '40.00', starts_at: inDays(-1), expires_at: inDays(1), max_uses: 3 });
  const ok = await apply(user.token, ` ${atMinimum.code.toLowerCase()} `);
  assert.is(ok.status, 200, 'a code within its terms applies; case and spaces do not matter');
  assert.equal((await call('GET', '/baskets/current', { token: user.token })).body.promo_codes.map((c: any) => c.id), [atMinimum.id]);
});

it('one code per type: a second of the same type is refused, others combine, the same one twice changes nothing', async () => {
  const { user } = await customerWith40();
  const ten = await promoCode(call, 'percentage', '10');
  const twenty = await promoCode(call, 'percentage', '20');
  const five = await promoCode(call, 'fixed_amount', '5');
  assert.is((await apply(user.token, ten.code)).status, 200);
  const again = await apply(user.token, ten.code);
  assert.equal([again.status, again.body.message, again.body.data.promo_codes.length], [200, 'This promo code is already applied.', 1]);
  const second = await apply(user.token, twenty.code);
  assert.is(second.status, 422);
  assert.match(second.body.errors.code[0], /type "Pourcentage" is already applied/);
  const both = await apply(user.token, five.code);
  // 10% of 40.00 = 4.00 + 5.00 = 9.00; VAT (40 − 9) × 20% = 6.20; + 5.90
  assert.equal([both.status, both.body.data.discount, both.body.data.vat, both.body.data.total_ttc], [200, '9.00', '6.20', '43.10']);
  const removed = await call('DELETE', `/baskets/promo-codes/${ten.id}`, { token: user.token });
  assert.equal([removed.status, removed.body.message, removed.body.data.promo_codes.map((c: any) => c.id)], [200, 'Promo code removed.', [five.id]]);
  assert.is((await call('DELETE', `/baskets/promo-codes/${ten.id}`, { token: user.token })).status, 404);
  assert.is((await apply(user.token, twenty.code)).status, 200, 'the type is free again');
});

it('a code stops counting when the basket falls below its minimum, and says why', async () => {
  const { user, itemId } = await customerWith40();
  const code = await promoCode(call, 'fixed_amount', '10', { min_amount: '30' });
  assert.is((await apply(user.token, code.code)).body.data.discount, '10.00');
  const res = await call('PUT', `/baskets/items/${itemId}`, { token: user.token, body: { quantity: 1 } });
  const [entry] = res.body.data.promo_codes;
  assert.equal([entry.applies, entry.discount, entry.reason, res.body.data.discount], [false, '0.00', 'This promo code needs a minimum amount of 30.00 excluding VAT.', '0.00']);
  // 20.00 + VAT 4.00 + 5.90
  assert.is(res.body.data.total_ttc, '29.90');
});

it('POST /promo-codes/validate: { valid, discount, message } for every case, public', async () => {
  const ten = await promoCode(call, 'percentage', '10', { min_amount: '20' });
  const fixed = await promoCode(call, 'fixed_amount', '15');
  const shipping = await promoCode(call, 'free_shipping', '0');
  const expired = await promoCode(call, 'percentage', '10', { expires_at: inDays(-1) });
  const validate = async (body: object) => {
    const res = await call('POST', '/promo-codes/validate', { body });
    assert.is(res.status, 200, res.text);
    return [res.body.valid, res.body.discount, res.body.message];
  };
  assert.equal(await validate({ code: ten.code, amount: '72.75' }), [true, '7.28', 'The promo code is valid.']);
  assert.equal(await validate({ code: ten.code.toLowerCase(), amount: 72.75 }), [true, '7.28', 'The promo code is valid.']);
  assert.equal(await validate({ code: ten.code, amount: '19.99' }), [false, '0.00', 'This promo code needs a minimum amount of 20.00 excluding VAT.']);
  assert.equal(await validate({ code: ten.code }), [true, '0.00', 'The promo code is valid.'], 'no amount: nothing to take a percentage of');
  assert.equal(await validate({ code: fixed.code }), [true, '15.00', 'The promo code is valid.']);
  assert.equal(await validate({ code: fixed.code, amount: '12' }), [true, '12.00', 'The promo code is valid.'], 'never more than the amount');
  assert.equal(await validate({ code: shipping.code, amount: '12' }), [true, '5.90', 'The promo code is valid.']);
  assert.equal(await validate({ code: expired.code, amount: '50' }), [false, '0.00', 'This promo code has expired.']);
  assert.equal(await validate({ code: uniqueCode('NOPE') }), [false, '0.00', 'This promo code does not exist.']);
});

it('admin promo codes: create, unique code (any case), rules, partial update, list, delete; uses cannot be written', async () => {
  const staff = staffToken();
  const code = uniqueCode('ADM');
  const typeId = await typeIdOf('percentage');
  const created = await call('POST', '/admin/promo-codes', { token: staff, body: { name: 'Spring', code, type_id: typeId, discount: '12.5', uses: 99, min_amount: null } });
  assert.is(created.status, 201, created.text);
  assert.equal([created.body.code, created.body.discount, created.body.uses, created.body.is_active, created.body.min_amount, created.body.type.kind], [code, '12.50', 0, true, null, 'percentage']);
  assert.is((await call('POST', '/admin/promo-codes', { token: staff, body: { name: 'Copy', code: code.toLowerCase(), type_id: typeId, discount: '5' } })).status, 409);
  const bad = async (body: object) => (await call('POST', '/admin/promo-codes', { token: staff, body: { name: 'Bad', code: uniqueCode('BAD'), type_id: typeId, discount: '5', ...body } }));
  assert.is((await bad({ type_id: 999_999 })).status, 422);
  assert.match((await bad({ discount: '150' })).body.errors.discount[0], /100/);
  assert.is((await bad({ type_id: await typeIdOf('fixed_amount'), discount: '150' })).status, 201, 'a fixed amount may exceed 100');
  assert.is((await bad({ starts_at: inDays(2), expires_at: inDays(1) })).status, 422);
  assert.is((await bad({ discount: '-1' })).status, 422);
  assert.is((await bad({ discount: '1.234' })).status, 422);
  assert.is((await bad({ code: 'has spaces' })).status, 422);
  assert.is((await bad({ expires_at: 'tomorrow' })).status, 422);
  assert.is((await bad({ max_uses: 0 })).status, 422);
  const updated = await call('PUT', `/admin/promo-codes/${created.body.id}`, { token: staff, body: { is_active: false, uses: 50 } });
  assert.equal([updated.status, updated.body.is_active, updated.body.uses, updated.body.name], [200, false, 0, 'Spring']);
  assert.is((await call('PATCH', `/admin/promo-codes/${created.body.id}`, { token: staff, body: { discount: '101' } })).status, 422);
  const list = await call('GET', `/admin/promo-codes?search=${code}`, { token: staff });
  assert.equal([list.status, list.body.total, list.body.data[0].type.name], [200, 1, 'Pourcentage']);
  assert.is((await call('DELETE', `/admin/promo-codes/${created.body.id}`, { token: staff })).status, 204);
  assert.is((await call('GET', `/admin/promo-codes/${created.body.id}`, { token: staff })).status, 404);
});

it('admin routes: a customer (who holds orders.view) gets 403 on every one, staff need orders.update to write', async () => {
  const customer = customerToken().token;
  assert.equal(await adminRoutesNotAnswering(baskets, call, customer, 403), []);
  assert.is((await call('GET', '/baskets/current', { token: customer })).status, 200, 'their own basket still answers');
  assert.is((await call('GET', '/admin/promo-codes')).status, 401);
  const reader = staffToken(['orders.view']);
  assert.is((await call('GET', '/admin/promo-codes', { token: reader })).status, 200);
  assert.is((await call('POST', '/admin/promo-codes', { token: reader, body: { name: 'x', code: uniqueCode('X'), type_id: 1, discount: '1' } })).status, 403);
});

it('admin types: create, unique name, kind among the four, a type in use cannot be deleted', async () => {
  const staff = staffToken();
  const name = `Soldes ${uniqueCode('')}`;
  const created = await call('POST', '/admin/types', { token: staff, body: { name, kind: 'percentage', symbol: '%' } });
  assert.is(created.status, 201, created.text);
  assert.is((await call('POST', '/admin/types', { token: staff, body: { name, kind: 'percentage' } })).status, 409);
  assert.is((await call('POST', '/admin/types', { token: staff, body: { name: `${name} 2`, kind: 'bogus' } })).status, 422);
  const code = await call('POST', '/admin/promo-codes', { token: staff, body: { name: 'Sale', code: uniqueCode('SALE'), type_id: created.body.id, discount: '30' } });
  assert.is(code.status, 201);
  assert.is((await call('DELETE', `/admin/types/${created.body.id}`, { token: staff })).status, 409);
  assert.is((await call('DELETE', `/admin/promo-codes/${code.body.id}`, { token: staff })).status, 204);
  assert.is((await call('DELETE', `/admin/types/${created.body.id}`, { token: staff })).status, 204);
});

it.run();
