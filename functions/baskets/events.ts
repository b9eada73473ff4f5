import { QueryTypes, type Transaction } from 'sequelize';
import { log, PING_EVENT_TYPE, type ReceivedEvent, type Subscription } from '../kit';
import { contractData } from '../contracts';
import { EVENTS, type OrderCreated, type ProductDeleted, type ProductSnapshot, type StockChanged } from '../contracts/commerce';
import { db, type ProductCopy } from './database';
import { liveFigures, loadBaskets } from './basket';
import { releaseClaims, releaseStaleClaims } from './claims';
import { websiteShippingSubscription } from '../contracts/website-shipping';

/** A subscription whose data is checked against the contract first: bad data can never apply. */
function subscription<T>(type: string, description: string, apply: (data: T, at: Date, transaction: Transaction) => Promise<void>): Subscription<T> {
  const dataOf = contractData<T>(type);
  return {
    type,
    description,
    handler: async (event: ReceivedEvent<T>, transaction) => apply(dataOf(event as ReceivedEvent), eventTime(event), transaction),
  };
}

/** When the producer made the change (its outbox time): what orders events of one product. */
function eventTime(event: ReceivedEvent<unknown>): Date {
  const time = event.time ? new Date(event.time) : new Date();
  return Number.isNaN(time.getTime()) ? new Date() : time;
}

const isNewer = (at: Date, last: Date | null) => last === null || at >= last;

/**
 * The copy of a product, locked for the change. Events may come before the product's creation
 * (another Trigger's queue was faster): a placeholder stands in, inactive until a snapshot comes.
 */
async function lockedCopy(id: number, transaction: Transaction): Promise<ProductCopy> {
  const { ProductCopy } = db.models;
  const placeholder = { id, name: '', ref: '', price_ht: '0.00', vat_rate: '0.00', available: 0, is_active: false, deleted_at: null, snapshot_at: null, stock_at: null };
  await ProductCopy.bulkCreate([placeholder], { ignoreDuplicates: true, transaction });
  return (await ProductCopy.findByPk(id, { lock: transaction.LOCK.UPDATE, transaction }))!;
}

async function applySnapshot(product: ProductSnapshot, at: Date, transaction: Transaction) {
  const copy = await lockedCopy(product.id, transaction);
  if (copy.deleted_at) return; // product ids are never reused: anything after the deletion is stale
  const catalogue = isNewer(at, copy.snapshot_at);
  const stock = isNewer(at, copy.stock_at);
  if (!catalogue && !stock) return;
  await copy.update({
    ...(catalogue ? { name: product.name, ref: product.ref, price_ht: product.price_ht, vat_rate: product.vat_rate, is_active: product.is_active, snapshot_at: at } : {}),
    ...(stock ? { available: product.available, stock_at: at } : {}),
  }, { transaction });
  if (catalogue) {
    // Lines of active baskets follow the product; checked-out baskets keep what was ordered.
    await db.sequelize.query(
      `UPDATE basket_items i JOIN baskets b ON b.id = i.basket_id
       SET i.product_name = ?, i.product_ref = ?, i.unit_price_ht = ?, i.vat_rate = ?, i.updated_at = NOW()
       WHERE i.product_id = ? AND b.status = 'active'`,
      { replacements: [product.name, product.ref, product.price_ht, product.vat_rate, product.id], type: QueryTypes.UPDATE, transaction },
    );
  }
}

async function applyStock(level: StockChanged, at: Date, transaction: Transaction) {
  const copy = await lockedCopy(level.product_id, transaction);
  if (copy.deleted_at || !isNewer(at, copy.stock_at)) return;
  await copy.update({ available: level.available, stock_at: at }, { transaction });
}

async function applyDeletion(product: ProductDeleted, at: Date, transaction: Transaction) {
  const copy = await lockedCopy(product.id, transaction);
  if (!copy.deleted_at) await copy.update({ deleted_at: at, is_active: false }, { transaction });
}

/**
 * The order's basket is checked out (the next GET /baskets/current starts a new one) with its
 * figures frozen, the codes that applied to it count one use, the user is remembered as having ordered.
 */
async function checkOut(order: OrderCreated, at: Date, transaction: Transaction) {
  const { Basket, OrderingCustomer, PromoCode } = db.models;
  const first = { user_id: order.user_id, first_order_id: order.id, first_basket_id: order.basket_id, first_ordered_at: at };
  await OrderingCustomer.bulkCreate([first], { ignoreDuplicates: true, transaction });
  // A retried delivery can bring an earlier order after a later one: the earliest is the first.
  const customer = (await OrderingCustomer.findByPk(order.user_id, { lock: transaction.LOCK.UPDATE, transaction }))!;
  if (order.id < customer.first_order_id) await customer.update(first, { transaction });
  const basket = await Basket.findByPk(order.basket_id, { lock: transaction.LOCK.UPDATE, transaction });
  if (!basket || basket.status !== 'active') return;
  if (basket.user_id !== order.user_id) {
    log.warn({ order_id: order.id, basket_id: basket.id }, 'order.created names a basket of another user: basket left as it is');
    return;
  }
  const [loaded] = await loadBaskets(basket.id, transaction);
  const { figures, totals } = await liveFigures(loaded, transaction);
  const applies = (i: number) => totals.promos[i].refusal === null;
  // Uses claimed at placement are counted already; a code that no longer applies gives its claim back.
  const unclaimed = loaded.promo_codes.filter((code, i) => applies(i) && !code.claimed).map((code) => code.id);
  if (unclaimed.length) await PromoCode.increment('uses', { where: { id: unclaimed }, transaction });
  const lapsed = loaded.promo_codes.filter((code, i) => !applies(i) && code.claimed).map((code) => code.id);
  if (lapsed.length) await releaseClaims(basket.id, transaction, lapsed);
  await basket.update({ status: 'checked_out', order_id: order.id, checked_out_at: at, checkout_snapshot: JSON.stringify(figures) }, { transaction });
}

export const basketSubscriptions: Subscription[] = [
  subscription(EVENTS.productCreated, 'Copies the new product into the read model.', applySnapshot),
  subscription(EVENTS.productUpdated, "Updates the product's copy and the lines of active baskets.", applySnapshot),
  subscription(EVENTS.productDeleted, "Marks the product's copy deleted: it can no longer be added.", applyDeletion),
  subscription(EVENTS.stockChanged, "Updates the product's available quantity.", applyStock),
  subscription(EVENTS.orderCreated, "Checks out the order's basket, counts its promo codes' uses, remembers the customer has ordered.", checkOut),
  websiteShippingSubscription("Keeps the default site's standard shipping cost and free-shipping threshold for the basket totals."),
  { type: PING_EVENT_TYPE, description: 'Releases the promo code uses claimed by checkouts that no order followed in time.', handler: (_event, transaction) => releaseStaleClaims(transaction) },
];
