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
 * Shipping is a flat amount (VAT included) charged when the basket holds anything, unless its
 * goods (VAT included, after their discounts) reach `freeShippingFrom`; free-shipping codes take off what is left.
 */
export function basketTotals(
  lines: Line[], promos: PromoTerms[], situation: Omit<PromoSituation, 'subtotal'> & { shippingCost: Cents; freeShippingFrom?: Cents | null },
): Totals {
  const subtotals = lines.map((line) => line.unitPriceHt * line.quantity);
  const subtotalHt = subtotals.reduce((a, b) => a + b, 0);

  const promoFigures: PromoFigures[] = promos.map((terms) => ({ discount: 0, refusal: refusal(terms, { ...situation, subtotal: subtotalHt }) }));
  const order = promos.map((terms, index) => ({ terms, index })).sort((a, b) => CAPPING_ORDER[a.terms.kind] - CAPPING_ORDER[b.terms.kind] || a.index - b.index);
  const applicable = (onShipping: boolean) => order.filter(({ terms, index }) => !promoFigures[index].refusal && (terms.kind === 'free_shipping') === onShipping);
  let goodsLeft = subtotalHt;
  for (const { terms, index } of applicable(false)) {
    const discount = Math.min(nominalDiscount(terms, subtotalHt, 0), goodsLeft);
    goodsLeft -= discount;
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

  const goodsTtc = lineFigures.reduce((sum, line) => sum + line.totalTtc, 0);
  const shipsFree = situation.freeShippingFrom !== undefined && situation.freeShippingFrom !== null && goodsTtc >= situation.freeShippingFrom;
  const shipping = lines.length && !shipsFree ? situation.shippingCost : 0;
  let shippingLeft = shipping;
  for (const { terms, index } of applicable(true)) {
    const discount = Math.min(nominalDiscount(terms, subtotalHt, shipping), shippingLeft);
    shippingLeft -= discount;
    promoFigures[index].discount = discount;
  }

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
