import type { Transaction } from 'sequelize';
import { emit } from '../kit';
import { declarationsOf } from '../contracts';
import { EVENTS, type ProductSnapshot, type StockChanged } from '../contracts/commerce';
import { partsOf, vatRateOf } from './parts';
import { placeholders, select } from './sql';
import { forgetLists } from './lists';

export const productEvents = declarationsOf(
  EVENTS.productCreated, EVENTS.productUpdated, EVENTS.productDeleted, EVENTS.stockChanged, EVENTS.stockReserved, EVENTS.stockRejected,
);

/** What baskets keeps of each product (its read model), read inside the change's transaction. */
export async function snapshotsOf(ids: number[], transaction: Transaction): Promise<ProductSnapshot[]> {
  const rows = await select<{ id: number; name: string; ref: string; price_ht: string; stock: number; reserved: number; is_active: number }>(
    `SELECT id, name, ref, price_ht, stock, reserved, is_active FROM products WHERE id IN (${placeholders(ids.length)}) AND deleted_at IS NULL ORDER BY id`,
    ids, transaction,
  );
  const parts = await partsOf(rows.map((row) => row.id), ['types'], transaction);
  return rows.map((row) => ({
    id: row.id, name: row.name, ref: row.ref, price_ht: row.price_ht, vat_rate: vatRateOf(parts.get(row.id)!),
    stock: row.stock, reserved: row.reserved, available: row.stock - row.reserved, is_active: Boolean(row.is_active),
  }));
}

const stockLevel = (row: { id: number; stock: number; reserved: number }): StockChanged =>
  ({ product_id: row.id, stock: row.stock, reserved: row.reserved, available: row.stock - row.reserved });

/** Every change a product list can show goes through one of these: cached lists are then stale (lists.ts). */
const changed = (transaction: Transaction) => transaction.afterCommit(forgetLists);

/** product.created or product.updated for each product, with its snapshot. */
export async function emitProductSnapshots(transaction: Transaction, type: typeof EVENTS.productCreated | typeof EVENTS.productUpdated, ids: number[]) {
  if (!ids.length) return;
  changed(transaction);
  // A new VAT rate may touch every product: a statement takes at most 65,535 parameters.
  for (let start = 0; start < ids.length; start += 1000) {
    for (const snapshot of await snapshotsOf(ids.slice(start, start + 1000), transaction)) await emit(transaction, type, snapshot.id, snapshot);
  }
}

export async function emitProductDeleted(transaction: Transaction, id: number) {
  changed(transaction);
  await emit(transaction, EVENTS.productDeleted, id, { id });
}

/** stock.changed with each product's current levels; answers them. */
export async function emitStockLevels(transaction: Transaction, ids: number[]): Promise<StockChanged[]> {
  if (!ids.length) return [];
  changed(transaction);
  const rows = await select<{ id: number; stock: number; reserved: number }>(
    `SELECT id, stock, reserved FROM products WHERE id IN (${placeholders(ids.length)}) ORDER BY id`, ids, transaction,
  );
  const levels = rows.map(stockLevel);
  for (const level of levels) await emit(transaction, EVENTS.stockChanged, level.product_id, level);
  return levels;
}

/** Products whose VAT rate may have changed because a type or a VAT rate did: product.updated for each. */
export async function emitVatChange(transaction: Transaction, where: { type_id: number } | { vat_id: number }) {
  const rows = 'type_id' in where
    ? await select<{ id: number }>('SELECT DISTINCT product_id AS id FROM product_types WHERE type_id = ?', [where.type_id], transaction)
    : await select<{ id: number }>('SELECT DISTINCT pt.product_id AS id FROM product_types pt JOIN types t ON t.id = pt.type_id WHERE t.vat_id = ?', [where.vat_id], transaction);
  await emitProductSnapshots(transaction, EVENTS.productUpdated, rows.map((r) => r.id));
}
