import { formatCents, percentOf, type Cents } from '../kit/money';

/** What a promo type does; the seeded types are one of each. */
export const PROMO_KINDS = ['percentage', 'fixed_amount', 'free_shipping', 'first_order'] as const;
export type PromoKind = (typeof PROMO_KINDS)[number];

/** The percentage kinds' `value` is in basis points (10% = 1000); fixed amounts are in cents. */
export const isPercentage = (kind: PromoKind) => kind === 'percentage' || kind === 'first_order';

export interface PromoTerms {
  kind: PromoKind;
  value: number;
  minAmount: Cents | null;
  startsAt: Date | null;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  isActive: boolean;
}

export interface PromoSituation {
  now: Date;
  /** The basket's HT subtotal; unknown (no minimum checked) when validating without an amount. */
  subtotal?: Cents;
  /** Whether the user has ordered before (from another basket). */
  hasOrdered: boolean;
}

/** Why a code cannot apply now, or null when it can. */
export function refusal(terms: PromoTerms, situation: PromoSituation): string | null {
  if (!terms.isActive) return 'This promo code is not active.';
  if (terms.startsAt && situation.now < terms.startsAt) return 'This promo code is not valid yet.';
  if (terms.expiresAt && situation.now >= terms.expiresAt) return 'This promo code has expired.';
  if (terms.maxUses !== null && terms.uses >= terms.maxUses) return 'This promo code has reached its maximum number of uses.';
  if (terms.kind === 'first_order' && situation.hasOrdered) return 'This promo code is only valid on a first order.';
  if (terms.minAmount !== null && situation.subtotal !== undefined && situation.subtotal < terms.minAmount) {
    return `This promo code needs a minimum amount of ${formatCents(terms.minAmount)} excluding VAT.`;
  }
  return null;
}

/** What a code takes off `subtotal` (goods) or `shipping` on its own, before capping. */
export function nominalDiscount(terms: PromoTerms, subtotal: Cents, shipping: Cents): Cents {
  switch (terms.kind) {
    case 'percentage':
    case 'first_order':
      return percentOf(subtotal, Math.min(terms.value, 10_000));
    case 'fixed_amount':
      return Math.min(terms.value, subtotal);
    case 'free_shipping':
      return shipping;
  }
}
