import { UniqueConstraintError, type Transaction } from 'sequelize';
import { env, formatCents, placeholders, statements, toCents } from '../kit';
import type { BasketJson } from '../contracts/commerce';
import { defaultShipping } from '../contracts/website-shipping';
import { db, type Basket, type PromoCode } from './database';
import type { PromoKind, PromoTerms } from './promo-rules';
import { basketTotals, type Totals } from './totals';

/**
 * Flat shipping cost (VAT included) of a non-empty basket while no default website is known; the
 * default site's standard cost and free-shipping threshold replace it. Free-shipping codes take it off.
 */
export const SHIPPING_COST = toCents(env('BASKET_SHIPPING_COST', '5.90'));

/** What a code's terms are read from: a PromoCode with its type, or a code of a loaded basket (`claimed`: it holds a use). */
type CodeTerms = Pick<PromoCode, 'discount' | 'min_amount' | 'starts_at' | 'expires_at' | 'max_uses' | 'uses' | 'is_active'> & { type?: { kind: PromoKind }; claimed?: boolean };

/** A code's terms; in a basket that claimed a use, that use is its own and does not count against it. */
export const termsOf = (code: CodeTerms): PromoTerms => ({
  kind: code.type!.kind,
  value: toCents(code.discount),
  minAmount: code.min_amount === null ? null : toCents(code.min_amount),
  startsAt: code.starts_at,
  expiresAt: code.expires_at,
  maxUses: code.max_uses,
  uses: code.uses - (code.claimed ? 1 : 0),
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

const isAvailable = (item: LoadedLine) => {
  const product = item.product;
  return Boolean(product && product.is_active && !product.deleted_at && item.quantity <= product.available);
};

/** A basket's lines, codes and totals as they are now, and the same figures in cents. */
export async function liveFigures(basket: LoadedBasket, transaction?: Transaction) {
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
export async function basketJsonOf(basket: LoadedBasket, transaction?: Transaction) {
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

export const promoSummary = (code: Pick<PromoCode, 'id' | 'code' | 'name' | 'discount'> & { type?: { kind: PromoKind; name: string } }) => ({
  id: code.id, code: code.code, name: code.name, type: code.type!.kind, type_name: code.type!.name, value: code.discount,
});

/** A basket as its figures are computed from: its lines with their product copy, its codes with their type. */
export interface LoadedBasket {
  id: number;
  user_id: number;
  status: 'active' | 'checked_out';
  order_id: number | null;
  checked_out_at: Date | null;
  checkout_snapshot: string | null;
  created_at: Date;
  updated_at: Date;
  items: LoadedLine[];
  promo_codes: LoadedCode[];
}
export interface LoadedLine {
  id: number; product_id: number; product_name: string; product_ref: string; quantity: number; unit_price_ht: string; vat_rate: string;
  product: { is_active: boolean; deleted_at: Date | null; available: number } | null;
}
export type LoadedCode = CodeTerms & Pick<PromoCode, 'id' | 'name' | 'code' | 'type_id'> & { type: { id: number; name: string; kind: PromoKind } };

const { select } = statements('baskets');
const BASKET_COLUMNS = 'id, user_id, status, order_id, checked_out_at, checkout_snapshot, created_at, updated_at';

/**
 * Baskets with their lines and codes, by id, in three prepared statements (every basket answer and
 * checkout reads one: Sequelize's nested includes cost several times the queries).
 */
export async function loadBaskets(ids: number | number[], transaction?: Transaction): Promise<LoadedBasket[]> {
  const wanted = [ids].flat();
  if (!wanted.length) return [];
  const marks = placeholders(wanted.length);
  const [baskets, lines, codes] = await Promise.all([
    select<Omit<LoadedBasket, 'items' | 'promo_codes'>>(`SELECT ${BASKET_COLUMNS} FROM baskets WHERE id IN (${marks}) ORDER BY id`, wanted, transaction),
    select<Omit<LoadedLine, 'product'> & { basket_id: number; p_active: number | null; p_deleted_at: Date | null; p_available: number | null }>(
      `SELECT i.id, i.basket_id, i.product_id, i.product_name, i.product_ref, i.quantity, i.unit_price_ht, i.vat_rate,
              p.is_active AS p_active, p.deleted_at AS p_deleted_at, p.available AS p_available
       FROM basket_items i LEFT JOIN product_copies p ON p.id = i.product_id WHERE i.basket_id IN (${marks}) ORDER BY i.id`,
      wanted, transaction,
    ),
    select<Omit<LoadedCode, 'type' | 'claimed' | 'is_active'> & { basket_id: number; is_active: number; claimed_at: Date | null; type_name: string; kind: PromoKind }>(
      `SELECT c.id, c.name, c.code, c.type_id, c.discount, c.min_amount, c.starts_at, c.expires_at, c.max_uses, c.uses, c.is_active,
              bc.basket_id, bc.claimed_at, t.name AS type_name, t.kind
       FROM basket_promo_codes bc JOIN promo_codes c ON c.id = bc.promo_code_id JOIN types t ON t.id = c.type_id
       WHERE bc.basket_id IN (${marks}) ORDER BY c.id`,
      wanted, transaction,
    ),
  ]);
  return baskets.map((basket) => ({
    ...basket,
    items: lines.filter((line) => line.basket_id === basket.id).map(({ basket_id: _b, p_active, p_deleted_at, p_available, ...line }) => ({
      ...line, product: p_active === null ? null : { is_active: Boolean(p_active), deleted_at: p_deleted_at, available: Number(p_available) },
    })),
    promo_codes: codes.filter((code) => code.basket_id === basket.id).map(({ basket_id: _b, claimed_at, type_name, kind, is_active, ...code }) => ({
      ...code, is_active: Boolean(is_active), claimed: claimed_at !== null, type: { id: code.type_id, name: type_name, kind },
    })),
  }));
}

export async function basketJson(id: number, transaction?: Transaction) {
  const [basket] = await loadBaskets(id, transaction);
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
