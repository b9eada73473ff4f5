import { UniqueConstraintError, type Transaction, type WhereOptions } from 'sequelize';
import { env, formatCents, toCents } from '../kit';
import type { BasketJson } from '../contracts/commerce';
import { defaultShipping } from '../contracts/website-shipping';
import { db, type Basket, type BasketItem, type PromoCode } from './database';
import type { PromoTerms } from './promo-rules';
import { basketTotals, type Totals } from './totals';

/**
 * Flat shipping cost (VAT included) of a non-empty basket while no default website is known; the
 * default site's standard cost and free-shipping threshold replace it. Free-shipping codes take it off.
 */
export const SHIPPING_COST = toCents(env('BASKET_SHIPPING_COST', '5.90'));

/** Whether the basket `code` was loaded with (loadBaskets) holds a claimed use of it. */
export const claimedHere = (code: PromoCode): boolean => Boolean((code as PromoCode & { BasketPromoCode?: { claimed_at: Date | null } }).BasketPromoCode?.claimed_at);

/** A code's terms; in a basket that claimed a use, that use is its own and does not count against it. */
export const termsOf = (code: PromoCode): PromoTerms => ({
  kind: code.type!.kind,
  value: toCents(code.discount),
  minAmount: code.min_amount === null ? null : toCents(code.min_amount),
  startsAt: code.starts_at,
  expiresAt: code.expires_at,
  maxUses: code.max_uses,
  uses: code.uses - (claimedHere(code) ? 1 : 0),
  isActive: Boolean(code.is_active),
});

/**
 * Whether the user has ordered from another basket than `basketId`: the basket their first order
 * came from keeps its first-order discount once checked out.
 */
export async function hasOrdered(userId: number, basketId?: number, transaction?: Transaction): Promise<boolean> {
  const customer = await db.models.OrderingCustomer.findByPk(userId, { transaction });
  return customer !== null && customer.first_basket_id !== basketId;
}

const isAvailable = (item: BasketItem) => {
  const product = item.product;
  return Boolean(product && product.is_active && !product.deleted_at && item.quantity <= product.available);
};

/** A basket's lines, codes and totals as they are now, and the same figures in cents. */
export async function liveFigures(basket: Basket, transaction?: Transaction) {
  const items = basket.items ?? [];
  const codes = basket.promo_codes ?? [];
  const site = await defaultShipping(db.sequelize, transaction);
  const totals: Totals = basketTotals(
    items.map((item) => ({ unitPriceHt: toCents(item.unit_price_ht), vatRate: toCents(item.vat_rate), quantity: item.quantity })),
    codes.map(termsOf),
    {
      now: new Date(), hasOrdered: await hasOrdered(basket.user_id, basket.id, transaction),
      shippingCost: site?.costs.standard ?? SHIPPING_COST, freeShippingFrom: site?.freeShippingFrom ?? null,
    },
  );
  const money = formatCents;
  const figures = {
    items: items.map((item, i) => ({
      id: item.id,
      product_id: item.product_id,
      product_name: item.product_name,
      product_ref: item.product_ref,
      quantity: item.quantity,
      unit_price_ht: money(toCents(item.unit_price_ht)),
      vat_rate: money(toCents(item.vat_rate)),
      line_subtotal_ht: money(totals.lines[i].subtotalHt),
      line_discount: money(totals.lines[i].discount),
      line_vat: money(totals.lines[i].vat),
      line_total_ttc: money(totals.lines[i].totalTtc),
      is_available: isAvailable(item),
    })),
    promo_codes: codes.map((code, i) => ({
      ...promoSummary(code),
      discount: money(totals.promos[i].discount),
      applies: totals.promos[i].refusal === null,
      reason: totals.promos[i].refusal,
    })),
    subtotal_ht: money(totals.subtotalHt),
    discount: money(totals.discount),
    vat: money(totals.vat),
    shipping: money(totals.shipping),
    total_ttc: money(totals.totalTtc),
    items_count: totals.itemsCount,
  };
  return { figures, totals };
}

type Figures = Awaited<ReturnType<typeof liveFigures>>['figures'];

/** The basket as clients and the orders service read it; a checked-out one as it was at checkout. */
export async function basketJsonOf(basket: Basket, transaction?: Transaction) {
  const figures: Figures = basket.checkout_snapshot ? JSON.parse(basket.checkout_snapshot) : (await liveFigures(basket, transaction)).figures;
  const json = {
    id: basket.id,
    user_id: basket.user_id,
    status: basket.status,
    ...figures,
    order_id: basket.order_id,
    checked_out_at: basket.checked_out_at,
    created_at: basket.created_at,
    updated_at: basket.updated_at,
  };
  return json satisfies BasketJson;
}

export const promoSummary = (code: PromoCode) => ({
  id: code.id, code: code.code, name: code.name, type: code.type!.kind, type_name: code.type!.name, value: code.discount,
});

/** Baskets with their lines (and each line's product copy) and promo codes, by id. */
export async function loadBaskets(where: WhereOptions<Basket>, transaction?: Transaction): Promise<Basket[]> {
  const { Basket, BasketItem, ProductCopy, PromoCode, PromoType } = db.models;
  return Basket.findAll({
    where,
    include: [
      { model: BasketItem, as: 'items', include: [{ model: ProductCopy, as: 'product' }] },
      { model: PromoCode, as: 'promo_codes', through: { attributes: ['claimed_at'] }, include: [{ model: PromoType, as: 'type' }] },
    ],
    order: [['id', 'ASC'], [{ model: BasketItem, as: 'items' }, 'id', 'ASC'], [{ model: PromoCode, as: 'promo_codes' }, 'id', 'ASC']],
    transaction,
  });
}

export async function basketJson(id: number, transaction?: Transaction) {
  const [basket] = await loadBaskets({ id }, transaction);
  return basket && basketJsonOf(basket, transaction);
}

/**
 * The user's active basket, created when they have none; inside a transaction it is locked. The
 * unique index on the active basket's user makes concurrent first calls agree on one basket.
 */
export async function activeBasketOf(userId: number, transaction?: Transaction): Promise<Basket> {
  const { Basket } = db.models;
  const find = () => Basket.findOne({ where: { user_id: userId, status: 'active' }, transaction, lock: transaction?.LOCK.UPDATE });
  const found = await find();
  if (found) return found;
  try {
    return await Basket.create({ user_id: userId }, { transaction });
  } catch (error) {
    if (!(error instanceof UniqueConstraintError)) throw error;
  }
  const created = await find();
  if (!created) throw new Error(`the active basket of user ${userId} vanished between two statements`);
  return created;
}

const isDeadlock = (error: unknown) => (error as { original?: { code?: string } })?.original?.code === 'ER_LOCK_DEADLOCK';

/**
 * Changes the caller's active basket under its row lock and answers `{ message, data: basket }`.
 * A deadlock with an event handler updating the same lines is retried.
 */
export async function changeBasket(userId: number, message: string, change: (basket: Basket, transaction: Transaction) => Promise<string | void>) {
  // Made first, outside the transaction: a locking read of a missing row takes gap locks, and
  // many customers' first baskets created at once would then deadlock on the insert.
  await activeBasketOf(userId);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.sequelize.transaction(async (transaction) => {
        const basket = await activeBasketOf(userId, transaction);
        const said = await change(basket, transaction);
        basket.changed('updated_at', true);
        await basket.save({ transaction });
        return { message: said ?? message, data: (await basketJson(basket.id, transaction))! };
      });
    } catch (error) {
      if (attempt >= 5 || !isDeadlock(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
