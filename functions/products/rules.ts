import type { Transaction } from 'sequelize';
import { fieldError, notFound } from '../kit';
import { select } from './sql';

/** Each field of `values` that names a row (`{ vat_id: 'vat' }`) must name a live one, else 422. */
export async function checkLive(values: Record<string, unknown>, references: Record<string, string>, transaction: Transaction): Promise<void> {
  for (const [field, table] of Object.entries(references)) {
    if (values[field] === undefined || values[field] === null) continue;
    const [row] = await select(`SELECT id FROM ${table} WHERE id = ? AND deleted_at IS NULL`, [Number(values[field])], transaction);
    if (!row) throw fieldError(field, `The selected ${field.replace(/_/g, ' ')} is invalid.`);
  }
}

/** Locks a live product's row for the change to come (404 when there is none). */
export async function lockProduct(id: number, transaction: Transaction) {
  const [product] = await select<{ id: number; stock: number; reserved: number }>(
    'SELECT id, stock, reserved FROM products WHERE id = ? AND deleted_at IS NULL FOR UPDATE', [id], transaction,
  );
  if (!product) throw notFound('The product does not exist.');
  return product;
}
