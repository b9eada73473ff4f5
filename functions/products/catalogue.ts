import { escapeLike, formatCents, pageOf, percentOf, toBasisPoints, toCents, type ListQuery } from '../kit';
import { detailCacheSize } from './config';
import { imageJson, imageUrl } from './images';
import { listTotals, publicPages } from './lists';
import { collectParts, jsonOf, partsOf, partsSql, vatRateOf, type PartName, type PartRow, type Parts } from './parts';
import { select } from './sql';
import { subtreeCte } from './tree';
import { liveState } from './version';

/**
 * The catalogue's reads, the hottest paths of the platform: a page is two prepared statements
 * (its products with their brand, then their parts) plus a count, both reused for a moment (lists.ts);
 * a product is one primary-key read while its page is kept (version.ts), else one more statement.
 * Each statement costs far more than its rows on this database, so there are as few as possible.
 */
export interface ProductFilters {
  search?: string;
  brand_id?: number;
  category_id?: number;
  type_id?: number;
  catalog_id?: number;
  min_price?: string | number;
  max_price?: string | number;
  in_stock?: string;
  /** Admin lists only: the public catalogue shows active products alone. */
  is_active?: string;
}

export type ProductQuery = ListQuery & ProductFilters;
export type Audience = 'public' | 'admin';

export const SORTABLE = ['name', 'price_ht', 'created_at'];
const SORT_COLUMNS: Record<string, string> = { name: 'p.name', price_ht: 'p.price_ht', created_at: 'p.created_at', id: 'p.id' };

type Param = string | number;
/** A query flag's yes (routes/common.ts: `flag`). */
export const isYes = (flag: string | undefined) => flag === '1' || flag === 'true';
const likeOf = (text: string) => `%${escapeLike(text)}%`;
const BRAND_JOIN = 'LEFT JOIN brands b ON b.id = p.brand_id AND b.deleted_at IS NULL';

const iso = (column: string) => `DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.000Z')`; // stored in UTC
/** A product row and its brand as one JSON object (parts.ts says why JSON). */
const PRODUCT_JSON = `JSON_OBJECT('id', p.id, 'name', p.name, 'ref', p.ref, 'description', p.description, 'price_ht', CAST(p.price_ht AS CHAR),
  'stock', p.stock, 'reserved', p.reserved, 'is_active', p.is_active = 1, 'brand_id', p.brand_id,
  'brand', IF(b.id IS NULL, NULL, JSON_OBJECT('id', b.id, 'name', b.name, 'website', b.website)),
  'created_at', ${iso('p.created_at')}, 'updated_at', ${iso('p.updated_at')})`;

interface Conditions {
  cte: string;
  cteParams: Param[];
  where: string[];
  params: Param[];
  /** Counting and paging need the brand only when the search looks at its name. */
  countJoin: string;
}

function conditionsOf(filters: ProductFilters, audience: Audience, words: string[] = []): Conditions {
  const c: Conditions = { cte: '', cteParams: [], where: ['p.deleted_at IS NULL'], params: [], countJoin: '' };
  const add = (sql: string, ...params: Param[]) => {
    c.where.push(sql);
    c.params.push(...params);
  };
  if (audience === 'public') add('p.is_active = 1');
  else if (filters.is_active !== undefined) add('p.is_active = ?', isYes(filters.is_active) ? 1 : 0);
  const search = filters.search?.trim();
  if (search) add('(p.name LIKE ? OR p.ref LIKE ?)', likeOf(search), likeOf(search));
  for (const word of words) {
    add('(p.name LIKE ? OR p.ref LIKE ? OR p.description LIKE ? OR b.name LIKE ?)', ...Array<Param>(4).fill(likeOf(word)));
    c.countJoin = BRAND_JOIN;
  }
  if (filters.brand_id !== undefined) add('p.brand_id = ?', filters.brand_id);
  if (filters.category_id !== undefined) {
    c.cte = subtreeCte('categories');
    c.cteParams.push(filters.category_id);
    add('EXISTS (SELECT 1 FROM product_categories pc JOIN subtree s ON s.id = pc.category_id WHERE pc.product_id = p.id)');
  }
  if (filters.type_id !== undefined) add('EXISTS (SELECT 1 FROM product_types pt WHERE pt.product_id = p.id AND pt.type_id = ?)', filters.type_id);
  if (filters.catalog_id !== undefined) add('EXISTS (SELECT 1 FROM product_catalogs pc WHERE pc.product_id = p.id AND pc.catalog_id = ?)', filters.catalog_id);
  // A DECIMAL compared with a string is compared as a double: cast the bound to DECIMAL.
  if (filters.min_price !== undefined) add('p.price_ht >= CAST(? AS DECIMAL(10,2))', formatCents(toCents(filters.min_price)));
  if (filters.max_price !== undefined) add('p.price_ht <= CAST(? AS DECIMAL(10,2))', formatCents(toCents(filters.max_price)));
  if (filters.in_stock !== undefined) add(isYes(filters.in_stock) ? 'p.stock > p.reserved' : 'p.stock <= p.reserved');
  return c;
}

function orderOf(sort: string | undefined, relevance?: { sql: string; params: Param[] }): { sql: string; params: Param[] } {
  if (!sort && relevance) return relevance;
  const field = sort?.replace(/^-/, '') ?? 'id';
  const direction = sort?.startsWith('-') ? 'DESC' : 'ASC';
  return { sql: `${SORT_COLUMNS[field] ?? 'p.id'} ${direction}, p.id ${direction}`, params: [] };
}

/** One page of products in Laravel's list shape: the page, its products' parts, the total (lists.ts). */
export function listProducts(query: ProductQuery, audience: Audience, searchText?: string) {
  if (audience === 'admin') return readPage(query, audience, searchText);
  return publicPages.get(JSON.stringify([query, searchText]), () => readPage(query, audience, searchText));
}

async function readPage(query: ProductQuery, audience: Audience, searchText?: string) {
  const words = searchText?.trim().split(/\s+/).filter(Boolean).slice(0, 5) ?? [];
  const c = conditionsOf(query, audience, words);
  const where = c.where.join(' AND ');
  const text = searchText?.trim();
  // Search results: the exact ref first, then names that start with the text, then names that contain it.
  const relevance = text
    ? { sql: '(p.ref = ?) DESC, (p.name LIKE ?) DESC, (p.name LIKE ?) DESC, p.name, p.id', params: [text, `${escapeLike(text)}%`, likeOf(text)] }
    : undefined;
  const order = orderOf(query.sort, relevance);
  const countSql = `${c.cte} SELECT COUNT(*) AS total FROM products p ${c.countJoin} WHERE ${where}`;
  const countParams = [...c.cteParams, ...c.params];
  const total = listTotals.get(JSON.stringify([countSql, countParams]), async () => Number((await select<{ total: number }>(countSql, countParams))[0].total));
  // The page's ids first (from an index alone when the sort has one), then their rows: skipping
  // to a deep page then reads index entries, not whole rows.
  const rows = await select<{ item: string | object }>(
    `${c.cte} SELECT ${PRODUCT_JSON} AS item FROM products p
     JOIN (SELECT p.id FROM products p ${c.countJoin} WHERE ${where} ORDER BY ${order.sql} LIMIT ? OFFSET ?) page ON page.id = p.id
     ${BRAND_JOIN} ORDER BY ${order.sql}`,
    [...c.cteParams, ...c.params, ...order.params, String(query.per_page), String((query.page - 1) * query.per_page), ...order.params],
  );
  const products = rows.map((row) => jsonOf<ProductItem>(row.item));
  const parts = await partsOf(products.map((product) => product.id), ['types', 'categories', 'images']);
  const data = await Promise.all(products.map((product) => productSummary(product, parts.get(product.id)!)));
  return pageOf(data, await total, query);
}

const DETAIL_PARTS: PartName[] = ['types', 'categories', 'catalogs', 'attributes', 'characteristics', 'images'];

/** Product pages read at a catalogue version (version.ts), oldest first out. */
const productPages = new Map<number, { version: number; item: ProductItem; parts: Parts }>();

function keep(id: number, page: { version: number; item: ProductItem; parts: Parts }) {
  productPages.delete(id);
  if (productPages.size >= detailCacheSize()) productPages.delete(productPages.keys().next().value as number);
  productPages.set(id, page);
}

/** A product with everything it has, or undefined; inactive ones only for the admin audience. */
export async function findProduct(id: number, audience: Audience) {
  const live = await liveState(id, audience === 'public');
  if (live.stock === null || live.reserved === null || live.updated_at === null) return undefined;
  let page = productPages.get(id);
  if (page?.version !== live.version) {
    const read = await readProduct(id);
    if (!read) return undefined;
    keep(id, (page = { version: live.version, ...read }));
  }
  const { types, categories, catalogs, attributes, characteristics, images } = page.parts;
  const item = { ...page.item, stock: live.stock, reserved: live.reserved, is_active: Boolean(live.is_active), updated_at: live.updated_at.toISOString() };
  return {
    ...(await productSummary(item, { types, categories, images })),
    types, catalogs, attributes, characteristics,
    images: await Promise.all(images.map(imageJson)),
  };
}

/** A product and all its parts, in one statement. */
async function readProduct(id: number): Promise<{ item: ProductItem; parts: Parts } | undefined> {
  const rows = await select<PartRow>(
    `SELECT 'product' AS part, p.id AS product_id, ${PRODUCT_JSON} AS item FROM products p ${BRAND_JOIN} WHERE p.id = ? AND p.deleted_at IS NULL
     UNION ALL ${partsSql(DETAIL_PARTS, '?')}`,
    [id, ...DETAIL_PARTS.map(() => id)],
  );
  const product = rows.find((row) => row.part === 'product');
  if (!product) return undefined;
  return { item: jsonOf<ProductItem>(product.item), parts: collectParts([id], rows.filter((row) => row !== product)).get(id)! };
}

interface ProductItem {
  id: number;
  name: string;
  ref: string;
  description: string | null;
  price_ht: string;
  stock: number;
  reserved: number;
  is_active: boolean | number;
  brand_id: number | null;
  brand: { id: number; name: string; website: string | null } | null;
  created_at: string;
  updated_at: string;
}

/** `"19.90"` at `"20.00"` % → `"23.88"`: integer cents, half-up. */
export function priceWithVat(priceHt: string, rate: string): string {
  const cents = toCents(priceHt);
  return formatCents(cents + percentOf(cents, toBasisPoints(rate)));
}

async function productSummary(product: ProductItem, parts: Pick<Parts, 'types' | 'categories' | 'images'>) {
  const vatRate = vatRateOf(parts);
  const { id, name, ref, description, price_ht, stock, reserved, is_active, brand_id, brand, created_at, updated_at } = product;
  return {
    id, name, ref, description,
    price_ht, price_ttc: priceWithVat(price_ht, vatRate), vat_rate: vatRate,
    stock, reserved, available: stock - reserved,
    is_active: Boolean(is_active),
    brand_id, brand,
    categories: parts.categories,
    main_image_url: parts.images.length ? await imageUrl(parts.images[0]) : null,
    created_at, updated_at,
  };
}
