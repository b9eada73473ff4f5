/**
 * Products for the benchmark: `seedBenchProducts(10_000)` inserts that many active products in
 * bulk (multi-row INSERTs in one transaction), each with a brand, a category (half of them in a
 * sub-category), a type and a price, spread so that filters match a share of them. Migrations and
 * seeds run first; the bench's own brands, types and categories are made once and reused.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { formatCents } from '../kit';
import { migrateAndSeed } from '../kit/db';
import { migrationsOf } from '../kit/service';
import { db } from './database';
import { products } from './index';

const BRANDS = 10;
const TOP_CATEGORIES = 5;
const TYPES = 3;
const CHUNK = 1000;

async function namedIds(table: string, names: string[], extra: (index: number) => Record<string, unknown>, transaction: Transaction): Promise<number[]> {
  const ids: number[] = [];
  for (const [index, name] of names.entries()) {
    const [existing] = await db.sequelize.query<{ id: number }>(`SELECT id FROM ${table} WHERE name = ? AND deleted_at IS NULL ORDER BY id LIMIT 1`, { replacements: [name], type: QueryTypes.SELECT, transaction });
    if (existing) {
      ids.push(existing.id);
      continue;
    }
    const columns = { name, ...extra(index) };
    const [id] = await db.sequelize.query(
      `INSERT INTO ${table} (${Object.keys(columns).join(', ')}, created_at, updated_at) VALUES (${Object.keys(columns).map(() => '?').join(', ')}, NOW(), NOW())`,
      { replacements: Object.values(columns), type: QueryTypes.INSERT, transaction },
    );
    ids.push(Number(id));
  }
  return ids;
}

const range = (count: number, name: (i: number) => string) => Array.from({ length: count }, (_, i) => name(i + 1));

export async function seedBenchProducts(count: number): Promise<{ inserted: number; first_id: number; ms: number }> {
  const started = Date.now();
  await migrateAndSeed('products', migrationsOf(products), products.seeds ?? []);
  return db.sequelize.transaction(async (transaction) => {
    const [vat] = await db.sequelize.query<{ id: number }>('SELECT id FROM vat WHERE deleted_at IS NULL ORDER BY id LIMIT 1', { type: QueryTypes.SELECT, transaction });
    const brands = await namedIds('brands', range(BRANDS, (i) => `Bench brand ${i}`), () => ({}), transaction);
    const types = await namedIds('types', range(TYPES, (i) => `Bench type ${i}`), () => ({ vat_id: vat.id }), transaction);
    const tops = await namedIds('categories', range(TOP_CATEGORIES, (i) => `Bench category ${i}`), () => ({ parent_id: null }), transaction);
    const subs = await namedIds('categories', range(TOP_CATEGORIES, (i) => `Bench sub-category ${i}`), (i) => ({ parent_id: tops[i] }), transaction);
    const run = Date.now().toString(36);
    let firstId = 0;
    for (let offset = 0; offset < count; offset += CHUNK) {
      const size = Math.min(CHUNK, count - offset);
      const rows = Array.from({ length: size }, (_, i) => {
        const n = offset + i;
        const cents = 100 + ((n * 7919) % 50_000);
        return [`Bench product ${n}`, `BENCH-${run}-${n}`, `Product number ${n} of the benchmark catalogue.`, formatCents(cents), n % 10 === 0 ? 0 : 5 + (n % 100), brands[n % BRANDS]];
      });
      const [insertId] = await db.sequelize.query(
        `INSERT INTO products (name, ref, description, price_ht, stock, brand_id, reserved, is_active, created_at, updated_at)
         VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, 0, 1, NOW(), NOW())').join(', ')}`,
        { replacements: rows.flat(), type: QueryTypes.INSERT, transaction },
      );
      firstId ||= Number(insertId);
    }
    // Links by ref rather than by assumed-consecutive ids (auto-increment may interleave).
    const inserted = await db.sequelize.query<{ id: number }>('SELECT id FROM products WHERE ref LIKE ? ORDER BY id', { replacements: [`BENCH-${run}-%`], type: QueryTypes.SELECT, transaction });
    for (let offset = 0; offset < inserted.length; offset += CHUNK) {
      const chunk = inserted.slice(offset, offset + CHUNK);
      await db.sequelize.query(`INSERT INTO product_types (product_id, type_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, {
        replacements: chunk.flatMap(({ id }) => [id, types[id % TYPES]]), transaction,
      });
      await db.sequelize.query(`INSERT INTO product_categories (product_id, category_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, {
        replacements: chunk.flatMap(({ id }) => [id, (id % 2 ? tops : subs)[id % TOP_CATEGORIES]]), transaction,
      });
    }
    return { inserted: inserted.length, first_id: firstId, ms: Date.now() - started };
  });
}
