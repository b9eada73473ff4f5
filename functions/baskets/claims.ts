/**
 * Uses of limited promo codes, claimed when an order is placed (`POST /baskets/checkout`, which
 * orders calls before it creates the order): a code with `max_uses` can never be used more often,
 * whatever the concurrency, because a use is taken by a conditional UPDATE on the code's row. A
 * claim is released when its code leaves the basket, when checkout finds the code no longer
 * applies, and when no order followed within `BASKET_CLAIM_TTL_MINUTES` (the periodic tick).
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { envInt, invalid, log } from '../kit';
import { db, type Basket } from './database';
import { liveFigures, loadBaskets } from './basket';

const exhaustedError = (code: string) => invalid({ promo_codes: [`The promo code "${code}" has reached its maximum number of uses; remove it to order.`] });

async function takeUse(codeId: number, transaction: Transaction): Promise<boolean> {
  const [, changed] = await db.sequelize.query('UPDATE promo_codes SET uses = uses + 1 WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)', { replacements: [codeId], type: QueryTypes.UPDATE, transaction });
  return changed === 1;
}

/** Gives back the uses that `basketId` claimed of `codeIds` (all its claims when not given). */
export async function releaseClaims(basketId: number, transaction: Transaction, codeIds?: number[]): Promise<void> {
  if (codeIds?.length === 0) return;
  // One statement: a basket holds each code once, so each claimed code's row is decremented once.
  await db.sequelize.query(
    `UPDATE basket_promo_codes bc JOIN promo_codes c ON c.id = bc.promo_code_id
     SET c.uses = GREATEST(c.uses, 1) - 1, bc.claimed_at = NULL
     WHERE bc.basket_id = ? AND bc.claimed_at IS NOT NULL${codeIds ? ' AND bc.promo_code_id IN (?)' : ''}`,
    { replacements: codeIds ? [basketId, codeIds] : [basketId], transaction },
  );
}

/**
 * Claims one use of every code that applies to the (locked) basket and has none claimed yet; a
 * code whose last use went to another order is a 422 on `promo_codes` and nothing is claimed.
 * Claiming again (a retried checkout) takes nothing more.
 */
export async function claimUses(basket: Basket, transaction: Transaction): Promise<void> {
  const [loaded] = await loadBaskets(basket.id, transaction);
  const { totals } = await liveFigures(loaded, transaction);
  const codes = loaded.promo_codes;
  // Ordering without the discount the customer chose would surprise them: an exhausted code is theirs to remove.
  const exhausted = codes.find((code) => !code.claimed && code.max_uses !== null && code.uses >= code.max_uses);
  if (exhausted) throw exhaustedError(exhausted.code);
  const applying = codes.filter((_, i) => totals.promos[i].refusal === null);
  const noLongerApplying = codes.filter((code) => code.claimed && !applying.includes(code)).map((code) => code.id);
  if (noLongerApplying.length) await releaseClaims(basket.id, transaction, noLongerApplying);
  const toClaim = applying.filter((code) => !code.claimed);
  for (const code of toClaim) {
    // The transaction rolls back what was taken before, should a later code be exhausted.
    if (!(await takeUse(code.id, transaction))) throw exhaustedError(code.code);
  }
  if (toClaim.length) {
    await db.sequelize.query('UPDATE basket_promo_codes SET claimed_at = NOW(3) WHERE basket_id = ? AND promo_code_id IN (?)', { replacements: [basket.id, toClaim.map((code) => code.id)], transaction });
  }
}

const CLAIM_TTL_MINUTES = () => envInt('BASKET_CLAIM_TTL_MINUTES', 30);

/** Claims of active baskets that no order followed in time go back to their codes. */
export async function releaseStaleClaims(transaction: Transaction): Promise<void> {
  const stale = await db.sequelize.query<{ basket_id: number; promo_code_id: number }>(
    `SELECT c.basket_id, c.promo_code_id FROM basket_promo_codes c JOIN baskets b ON b.id = c.basket_id
     WHERE c.claimed_at < NOW(3) - INTERVAL ? MINUTE AND b.status = 'active' ORDER BY c.basket_id LIMIT 500
     FOR UPDATE`, // the baskets' rows too: a checkout of one of them (which holds its row) goes first or after
    { replacements: [CLAIM_TTL_MINUTES()], type: QueryTypes.SELECT, transaction },
  );
  const byBasket = new Map<number, number[]>();
  for (const row of stale) byBasket.set(row.basket_id, [...(byBasket.get(row.basket_id) ?? []), row.promo_code_id]);
  for (const [basketId, codeIds] of byBasket) await releaseClaims(basketId, transaction, codeIds);
  if (stale.length) log.info({ claims: stale.length }, 'released promo code claims no order followed');
}
