import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { basketTotals, type Line } from '../../functions/baskets/totals';
import { refusal, type PromoKind, type PromoTerms } from '../../functions/baskets/promo-rules';

/** Figures are written by hand below each case; amounts in cents, rates in basis points. */
const it = suite('baskets: totals (pure)');

const now = new Date('2026-06-15T12:00:00Z');
const situation = { now, hasOrdered: false, shippingCost: 590 };
const code = (kind: PromoKind, value: number, extra: Partial<PromoTerms> = {}): PromoTerms =>
  ({ kind, value, minAmount: null, startsAt: null, expiresAt: null, maxUses: null, uses: 0, isActive: true, ...extra });

// 3 × 19.90 at 20% = 59.70; 3 × 4.35 at 5.5% = 13.05; subtotal 72.75.
const mixed: Line[] = [{ unitPriceHt: 1990, vatRate: 2000, quantity: 3 }, { unitPriceHt: 435, vatRate: 550, quantity: 3 }];
const lineFigures = (t: ReturnType<typeof basketTotals>) => t.lines.map((l) => [l.subtotalHt, l.discount, l.vat, l.totalTtc]);

it('no code: VAT per line at its rate, shipping added', () => {
  const t = basketTotals(mixed, [], situation);
  // VAT 59.70 × 20% = 11.94; 13.05 × 5.5% = 0.71775 → 0.72
  assert.equal(lineFigures(t), [[5970, 0, 1194, 7164], [1305, 0, 72, 1377]]);
  assert.equal([t.subtotalHt, t.discount, t.vat, t.shipping, t.totalTtc, t.itemsCount], [7275, 0, 1266, 590, 9131, 6]);
});

it('10%: discount of the subtotal, spread pro rata, VAT on the discounted lines', () => {
  const t = basketTotals(mixed, [code('percentage', 1000)], situation);
  // 7.275 → 7.28; spread 5.97 / 1.31 (largest remainder gets the odd cent);
  // VAT (59.70 − 5.97) × 20% = 10.746 → 10.75; (13.05 − 1.31) × 5.5% = 0.6457 → 0.65
  assert.equal(lineFigures(t), [[5970, 597, 1075, 6448], [1305, 131, 65, 1239]]);
  assert.equal([t.discount, t.vat, t.shipping, t.totalTtc], [728, 1140, 590, 8277]);
  assert.equal(t.promos, [{ discount: 728, refusal: null }]);
});

it('fixed amount larger than the subtotal: capped, lines and VAT at 0, never negative; free shipping brings the total to 0', () => {
  const fixed = basketTotals(mixed, [code('fixed_amount', 10_000)], situation);
  assert.equal(lineFigures(fixed), [[5970, 5970, 0, 0], [1305, 1305, 0, 0]]);
  assert.equal([fixed.discount, fixed.vat, fixed.totalTtc], [7275, 0, 590], 'the shipping is still paid');
  const both = basketTotals(mixed, [code('fixed_amount', 10_000), code('free_shipping', 0)], situation);
  assert.equal([both.discount, both.vat, both.shipping, both.totalTtc], [7865, 0, 590, 0]);
});

it('free shipping: the shipping cost, no line discount', () => {
  const t = basketTotals(mixed, [code('free_shipping', 0)], situation);
  assert.equal(lineFigures(t), [[5970, 0, 1194, 7164], [1305, 0, 72, 1377]]);
  assert.equal([t.discount, t.vat, t.shipping, t.totalTtc], [590, 1266, 590, 8541]);
});

it('first order: a percentage while the user has no order, nothing afterwards', () => {
  const first = basketTotals(mixed, [code('first_order', 1500)], situation);
  // 15% of 72.75 = 10.9125 → 10.91; spread 8.95 / 1.96; VAT 50.75 × 20% = 10.15, 11.09 × 5.5% = 0.60995 → 0.61
  assert.equal(lineFigures(first), [[5970, 895, 1015, 6090], [1305, 196, 61, 1170]]);
  assert.equal([first.discount, first.vat, first.totalTtc], [1091, 1076, 7850]);
  const later = basketTotals(mixed, [code('first_order', 1500)], { ...situation, hasOrdered: true });
  assert.equal([later.discount, later.totalTtc], [0, 9131]);
  assert.equal(later.promos, [{ discount: 0, refusal: 'This promo code is only valid on a first order.' }]);
});

it('several types at once: percentages first, the fixed amount takes what is left, whatever the order given', () => {
  const t = basketTotals(mixed, [code('fixed_amount', 500), code('percentage', 1000), code('free_shipping', 0)], situation);
  // goods 7.28 + 5.00 = 12.28, spread 10.08 / 2.20; VAT 49.62 × 20% = 9.924 → 9.92; 10.85 × 5.5% = 0.59675 → 0.60
  assert.equal(lineFigures(t), [[5970, 1008, 992, 5954], [1305, 220, 60, 1145]]);
  assert.equal([t.discount, t.vat, t.totalTtc], [1818, 1052, 7099]);
  assert.equal(t.promos.map((p) => p.discount), [500, 728, 590]);
  const capped = basketTotals(mixed, [code('fixed_amount', 7000), code('percentage', 1000)], situation);
  assert.equal(capped.promos.map((p) => p.discount), [6547, 728], '72.75 − 7.28 = 65.47 left for the fixed amount');
  assert.equal([capped.discount, capped.vat, capped.totalTtc], [7275, 0, 590]);
});

it('rounding: half-up per line, not on the sum', () => {
  const twoLines = basketTotals([{ unitPriceHt: 100, vatRate: 550, quantity: 1 }, { unitPriceHt: 100, vatRate: 550, quantity: 1 }], [], situation);
  // 1.00 × 5.5% = 0.055 → 0.06 on each line: 0.12 (0.11 if rounded once on 2.00)
  assert.equal(twoLines.lines.map((l) => l.vat), [6, 6]);
  assert.is(twoLines.vat, 12);
  const tiny = basketTotals([{ unitPriceHt: 10, vatRate: 550, quantity: 1 }, { unitPriceHt: 9, vatRate: 2000, quantity: 1 }], [], situation);
  // 0.10 × 5.5% = 0.0055 → 0.01; 0.09 × 20% = 0.018 → 0.02
  assert.equal(tiny.lines.map((l) => l.vat), [1, 2]);
  const thirds = basketTotals([0, 1, 2].map(() => ({ unitPriceHt: 33, vatRate: 2000, quantity: 1 })), [code('percentage', 1000)], situation);
  // 10% of 0.99 = 0.099 → 0.10, spread 0.04 / 0.03 / 0.03 (adds up exactly)
  assert.equal(thirds.lines.map((l) => l.discount), [4, 3, 3]);
  assert.is(thirds.discount, 10);
});

it('an empty basket costs nothing (no shipping)', () => {
  const t = basketTotals([], [code('free_shipping', 0), code('percentage', 1000)], situation);
  assert.equal([t.subtotalHt, t.discount, t.vat, t.shipping, t.totalTtc, t.itemsCount], [0, 0, 0, 0, 0, 0]);
});

it('a code that stopped applying (expired, below its minimum) gives nothing and says why', () => {
  const expired = code('percentage', 1000, { expiresAt: new Date('2026-06-15T11:59:59Z') });
  const tooSmall = code('fixed_amount', 500, { minAmount: 10_000 });
  const t = basketTotals(mixed, [expired, tooSmall], situation);
  assert.equal(t.promos, [
    { discount: 0, refusal: 'This promo code has expired.' },
    { discount: 0, refusal: 'This promo code needs a minimum amount of 100.00 excluding VAT.' },
  ]);
  assert.is(t.totalTtc, 9131);
});

it('refusal reasons, in order', () => {
  const at = { now, subtotal: 5000, hasOrdered: false };
  assert.is(refusal(code('percentage', 1000, { isActive: false }), at), 'This promo code is not active.');
  assert.is(refusal(code('percentage', 1000, { startsAt: new Date('2026-07-01T00:00:00Z') }), at), 'This promo code is not valid yet.');
  assert.is(refusal(code('percentage', 1000, { expiresAt: now }), at), 'This promo code has expired.');
  assert.is(refusal(code('percentage', 1000, { maxUses: 3, uses: 3 }), at), 'This promo code has reached its maximum number of uses.');
  assert.is(refusal(code('percentage', 1000, { maxUses: 3, uses: 2 }), at), null);
  assert.is(refusal(code('percentage', 1000, { minAmount: 5001 }), at), 'This promo code needs a minimum amount of 50.01 excluding VAT.');
  assert.is(refusal(code('percentage', 1000, { minAmount: 5000 }), at), null, 'the minimum itself is enough');
  assert.is(refusal(code('percentage', 1000, { minAmount: 5001 }), { now, hasOrdered: false }), null, 'no amount: no minimum checked');
});

it.run();
