import type { Transaction } from 'sequelize';
import { defaultVatRate } from './config';
import type { ImageRow } from './images';
import { placeholders, select } from './sql';

/**
 * What hangs off products (types with their VAT, categories, catalogs, attributes,
 * characteristics, images), for many products in ONE statement: a UNION ALL of one indexed
 * SELECT per part, each row a JSON object. (JSON_ARRAYAGG subqueries per product read better
 * but cost MariaDB ten times more.)
 */
export interface Parts {
  types: Array<{ id: number; name: string; vat_id: number; vat: { id: number; name: string; rate: string } }>;
  categories: Array<{ id: number; name: string; parent_id: number | null }>;
  catalogs: Array<{ id: number; name: string; parent_id: number | null }>;
  attributes: Array<{ id: number; value: string; stock: number; attribute_group_id: number; group: { id: number; name: string } }>;
  characteristics: Array<{ id: number; characteristic_id: number; name: string; value: string; group: { id: number; name: string } | null }>;
  images: ImageRow[];
}
export type PartName = keyof Parts;

/** Each part: a row as a JSON object (`item`), from tables where `x` holds the product_id. */
const PARTS: Record<PartName, { item: string; from: string }> = {
  types: {
    item: "JSON_OBJECT('id', t.id, 'name', t.name, 'vat_id', t.vat_id, 'vat', JSON_OBJECT('id', v.id, 'name', v.name, 'rate', CAST(v.rate AS CHAR)))",
    from: 'product_types x JOIN types t ON t.id = x.type_id AND t.deleted_at IS NULL JOIN vat v ON v.id = t.vat_id',
  },
  categories: {
    item: "JSON_OBJECT('id', c.id, 'name', c.name, 'parent_id', c.parent_id)",
    from: 'product_categories x JOIN categories c ON c.id = x.category_id AND c.deleted_at IS NULL',
  },
  catalogs: {
    item: "JSON_OBJECT('id', c.id, 'name', c.name, 'parent_id', c.parent_id)",
    from: 'product_catalogs x JOIN catalogs c ON c.id = x.catalog_id AND c.deleted_at IS NULL',
  },
  attributes: {
    item: "JSON_OBJECT('id', x.id, 'value', x.value, 'stock', x.stock, 'attribute_group_id', g.id, 'group', JSON_OBJECT('id', g.id, 'name', g.name))",
    from: 'attributes x JOIN attribute_groups g ON g.id = x.attribute_group_id AND g.deleted_at IS NULL',
  },
  characteristics: {
    item: "JSON_OBJECT('id', x.id, 'characteristic_id', k.id, 'name', k.name, 'value', x.value, 'group', IF(g.id IS NULL, NULL, JSON_OBJECT('id', g.id, 'name', g.name)))",
    from: `related_characteristics x JOIN characteristics k ON k.id = x.characteristic_id AND k.deleted_at IS NULL
      LEFT JOIN characteristic_groups g ON g.id = k.characteristic_group_id AND g.deleted_at IS NULL`,
  },
  images: {
    item: `JSON_OBJECT('id', x.id, 'product_id', x.product_id, 'key', x.\`key\`, 'filename', x.filename, 'type', x.type, 'alt_text', x.alt_text,
      'position', x.position, 'size', x.size, 'mime_type', x.mime_type)`,
    from: 'product_images x',
  },
};

const emptyParts = (): Parts => ({ types: [], categories: [], catalogs: [], attributes: [], characteristics: [], images: [] });
const mainFirst = (image: ImageRow) => (image.type === 'main' ? 0 : 1);

/** The UNION ALL of the asked parts (columns `part`, `product_id`, `item`) of the products whose ids `ids` gives (SQL). */
export const partsSql = (names: PartName[], ids: string) =>
  names.map((name) => `SELECT '${name}' AS part, x.product_id, ${PARTS[name].item} AS item FROM ${PARTS[name].from} WHERE x.product_id IN (${ids})`).join('\nUNION ALL ');

export interface PartRow {
  part: string;
  product_id: number;
  item: string | object;
}

/** A JSON column: a string on MariaDB, already parsed on MySQL. */
export const jsonOf = <T>(value: string | object): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** Folds part rows into each product's parts (every id present), each list in a stable order. */
export function collectParts(ids: number[], rows: PartRow[]): Map<number, Parts> {
  const byProduct = new Map(ids.map((id) => [id, emptyParts()]));
  for (const row of rows) (byProduct.get(row.product_id)?.[row.part as PartName] as unknown[] | undefined)?.push(jsonOf(row.item));
  for (const parts of byProduct.values()) {
    for (const list of Object.values(parts) as Array<Array<{ id: number }>>) list.sort((a, b) => a.id - b.id);
    parts.images.sort((a, b) => mainFirst(a) - mainFirst(b) || a.position - b.position || a.id - b.id);
  }
  return byProduct;
}

/** The asked parts of each product, by product id. */
export async function partsOf(ids: number[], names: PartName[], transaction?: Transaction): Promise<Map<number, Parts>> {
  if (!ids.length || !names.length) return collectParts(ids, []);
  const rows = await select<PartRow>(partsSql(names, placeholders(ids.length)), names.flatMap(() => ids), transaction);
  return collectParts(ids, rows);
}

/**
 * A product's VAT rate: the rate of its first type (the live type with the smallest id), else
 * the default rate (config.ts). Types come sorted by id from `partsOf`.
 */
export const vatRateOf = (parts: Pick<Parts, 'types'>): string => parts.types[0]?.vat.rate ?? defaultVatRate();
