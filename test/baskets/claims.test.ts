import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { EVENTS, type OrderCreated } from '../../functions/contracts/commerce';
import { PING_EVENT_TYPE } from '../../functions/kit/events/declarations';
import type { Call } from '../helpers/http';
import { customerToken, db, deliver, freshId, product, promoCode, startBaskets } from './helpers';

/** A promo code's max_uses holds whatever the concurrency: orders claim uses at placement (POST /baskets/checkout). */
const it = suite('baskets: promo code uses claimed at checkout');
let call: Call;
let url: string;
let close: () => Promise<void>;

it.before(async () => {
  ({ call, url, close } = await startBaskets());
});
it.after(() => close());

const usesOf = async (id: number) => (await db.models.PromoCode.findByPk(id))!.uses;
const checkout = (token: string) => call('POST', '/baskets/checkout', { token });

/** `count` customers, each with a basket (20.00 HT) that holds `code`. */
async function basketsWith(code: string, count: number) {
  const p = await product(url, { price_ht: '20.00', vat_rate: '20.00', available: 1000 });
  return Promise.all(Array.from({ length: count }, async () => {
    const user = customerToken();
    assert.is((await call('POST', '/baskets/items', { token: user.token, body: { product_id: p.id, quantity: 1 } })).status, 200);
    const applied = await call('POST', '/baskets/promo-codes', { token: user.token, body: { code } });
    assert.is(applied.status, 200, applied.text);
    return { ...user, basketId: applied.body.data.id as number };
  }));
}

const orderCreated = (userId: number, basketId: number): OrderCreated => ({
  id: freshId(), order_number: `ORD-${randomUUID().slice(0, 8)}`, user_id: userId, basket_id: basketId, status: 'pending',
  items: [], total_amount_ttc: '0.00', created_at: new Date().toISOString(),
});

it('eight checkouts at once for a code with 3 uses left: 3 get the discount, 5 a 422 naming promo_codes; uses end at max_uses', async () => {
  const code = await promoCode(call, 'percentage', '10.00', { max_uses: 3 });
  const customers = await basketsWith(code.code, 8);
  const answers = await Promise.all(customers.map((c) => checkout(c.token)));
  const claimed = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status === 422);
  assert.is(claimed.length, 3, answers.map((a) => a.status).join(','));
  assert.is(refused.length, 5);
  for (const answer of refused) assert.match(answer.body.errors.promo_codes[0], /maximum number of uses/);
  for (const answer of claimed) assert.is(answer.body.discount, '2.00', 'the basket as the order takes it, with its discount');
  assert.is(await usesOf(code.id), 3);
});

it('a retried checkout claims nothing more; order.created counts the claimed use once; another code still counts at checkout', async () => {
  const code = await promoCode(call, 'percentage', '10.00', { max_uses: 5 });
  const [customer] = await basketsWith(code.code, 1);
  for (let i = 0; i < 3; i++) assert.is((await checkout(customer.token)).status, 200);
  assert.is(await usesOf(code.id), 1);
  assert.is((await deliver(url, EVENTS.orderCreated, orderCreated(customer.id, customer.basketId))).body.status, 'applied');
  assert.is(await usesOf(code.id), 1, 'the claim was the use');
  const [unclaimed] = await basketsWith((await promoCode(call, 'fixed_amount', '1.00')).code, 1);
  const other = (await db.models.BasketPromoCode.findOne({ where: { basket_id: unclaimed.basketId } }))!.promo_code_id;
  await deliver(url, EVENTS.orderCreated, orderCreated(unclaimed.id, unclaimed.basketId));
  assert.is(await usesOf(other), 1, 'an order placed without a claim still counts its use');
});

it('removing a claimed code or clearing the basket gives its use back; the last use then goes to someone else', async () => {
  const code = await promoCode(call, 'percentage', '10.00', { max_uses: 1 });
  const [first, second] = await basketsWith(code.code, 2);
  assert.is((await checkout(first.token)).status, 200);
  assert.is((await checkout(second.token)).status, 422);
  assert.is((await call('DELETE', `/baskets/promo-codes/${code.id}`, { token: first.token })).status, 200);
  assert.is(await usesOf(code.id), 0);
  assert.is((await checkout(second.token)).status, 200);
  assert.is((await call('DELETE', '/baskets/clear', { token: second.token })).status, 200);
  assert.is(await usesOf(code.id), 0);
});

it('a claim no order followed within BASKET_CLAIM_TTL_MINUTES is released by the periodic tick', async () => {
  const code = await promoCode(call, 'percentage', '10.00', { max_uses: 1 });
  const [idle] = await basketsWith(code.code, 1);
  assert.is((await checkout(idle.token)).status, 200);
  await db.sequelize.query('UPDATE basket_promo_codes SET claimed_at = NOW(3) - INTERVAL 31 MINUTE WHERE basket_id = ?', { replacements: [idle.basketId], type: QueryTypes.UPDATE });
  assert.is((await deliver(url, PING_EVENT_TYPE, {})).status, 200);
  assert.is(await usesOf(code.id), 0);
  assert.is((await checkout(idle.token)).status, 200, 'the customer can still order: the use is claimed again');
  assert.is(await usesOf(code.id), 1);
});

it.run();
