import { allocate, percentOf, type Cents } from '../kit/money';
import { nominalDiscount, refusal, type PromoKind, type PromoSituation, type PromoTerms } from './promo-rules';

export interface Line {
  unitPriceHt: Cents;
  /** Basis points: 20% = 2000. */
  vatRate: number;
  quantity: number;
}

export interface LineFigures {
  subtotalHt: Cents;
  discount: Cents;
  vat: Cents;
  totalTtc: Cents;
}

export interface PromoFigures {
  discount: Cents;
  /** Why the code gives nothing now (expired since it was applied, below its minimum...), or null. */
  refusal: string | null;
}

export interface Totals {
  lines: LineFigures[];
  promos: PromoFigures[];
  subtotalHt: Cents;
  /** Goods discount plus free shipping. */
  discount: Cents;
  vat: Cents;
  shipping: Cents;
  /** = subtotalHt − discount + vat + shipping, never negative. */
  totalTtc: Cents;
  itemsCount: number;
}

/** Percentages are of the subtotal and come first; fixed amounts take what they leave. */
const CAPPING_ORDER: Record<PromoKind, number> = { percentage: 0, first_order: 1, fixed_amount: 2, free_shipping: 3 };

/**
 * A basket's figures, all in integer cents: the goods discount is spread over the lines pro rata,
 * then each line's VAT is taken at its rate on its discounted amount, rounded half-up per line.
 * Shipping is a flat amount (VAT included) charged when the basket holds anything.
 */
export function basketTotals(lines: Line[], promos: PromoTerms[], situation: Omit<PromoSituation, 'subtotal'> & { shippingCost: Cents }): Totals {
  const subtotals = lines.map((line) => line.unitPriceHt * line.quantity);
  const subtotalHt = subtotals.reduce((a, b) => a + b, 0);
  const shipping = lines.length ? situation.shippingCost : 0;

  const promoFigures: PromoFigures[] = promos.map((terms) => ({ discount: 0, refusal: refusal(terms, { ...situation, subtotal: subtotalHt }) }));
  let goodsLeft = subtotalHt;
  let shippingLeft = shipping;
  const order = promos.map((terms, index) => ({ terms, index })).sort((a, b) => CAPPING_ORDER[a.terms.kind] - CAPPING_ORDER[b.terms.kind] || a.index - b.index);
  for (const { terms, index } of order) {
    if (promoFigures[index].refusal) continue;
    const wanted = nominalDiscount(terms, subtotalHt, shipping);
    const discount = terms.kind === 'free_shipping' ? Math.min(wanted, shippingLeft) : Math.min(wanted, goodsLeft);
    if (terms.kind === 'free_shipping') shippingLeft -= discount;
    else goodsLeft -= discount;
    promoFigures[index].discount = discount;
  }

  const goodsDiscount = subtotalHt - goodsLeft;
  const lineDiscounts = allocate(goodsDiscount, subtotals);
  const lineFigures = lines.map((line, i) => {
    const discounted = subtotals[i] - lineDiscounts[i];
    const vat = percentOf(discounted, line.vatRate);
    return { subtotalHt: subtotals[i], discount: lineDiscounts[i], vat, totalTtc: discounted + vat };
  });
  const vat = lineFigures.reduce((sum, line) => sum + line.vat, 0);
  const discount = goodsDiscount + (shipping - shippingLeft);
  return {
    lines: lineFigures,
    promos: promoFigures,
    subtotalHt,
    discount,
    vat,
    shipping,
    totalTtc: Math.max(0, subtotalHt - discount + vat + shipping),
    itemsCount: lines.reduce((sum, line) => sum + line.quantity, 0),
  };
}
