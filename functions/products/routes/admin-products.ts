import type { Transaction } from 'sequelize';
import { conflict, formatCents, invalid, moneySchema, reply, route, toCents, type ListQuery } from '../../kit';
import { EVENTS } from '../../contracts/commerce';
import { db, Product } from '../database';
import { listProducts, type ProductFilters } from '../catalogue';
import { emitProductDeleted, emitProductSnapshots, emitStockLevels } from '../events';
import { removeImageObjects } from '../images';
import { checkLive, lockProduct } from '../rules';
import { bumpCatalogueVersion } from '../version';
import { placeholders, run, select } from '../sql';
import { idParams, isActiveFilter, nameField, optionalIdField, productListQuery, stockField } from './common';
import { productOr404 } from './catalogue';

const ids = { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 100 };

/** SPEC's product body; anything else is stripped. */
const productFields = {
  name: nameField,
  ref: { type: 'string', minLength: 1, maxLength: 100 },
  description: { type: ['string', 'null'], maxLength: 10_000 },
  price_ht: moneySchema('price before VAT, e.g. "19.90"'),
  stock: stockField,
  brand_id: optionalIdField,
  type_ids: ids,
  category_ids: ids,
  catalog_ids: ids,
  is_active: { type: 'boolean' },
};

interface ProductBody {
  name?: string;
  ref?: string;
  description?: string | null;
  price_ht?: string | number;
  stock?: number;
  brand_id?: number | null;
  type_ids?: number[];
  category_ids?: number[];
  catalog_ids?: number[];
  is_active?: boolean;
}

const LINKS = [
  { field: 'type_ids', table: 'product_types', column: 'type_id', target: 'types' },
  { field: 'category_ids', table: 'product_categories', column: 'category_id', target: 'categories' },
  { field: 'catalog_ids', table: 'product_catalogs', column: 'catalog_id', target: 'catalogs' },
] as const;

/** Every id a body names must be a live row: 422 with the unknown ones. */
async function checkReferences(body: ProductBody, transaction: Transaction) {
  await checkLive(body as Record<string, unknown>, { brand_id: 'brands' }, transaction);
  const errors: Record<string, string[]> = {};
  for (const { field, target } of LINKS) {
    const wanted = [...new Set(body[field] ?? [])];
    if (!wanted.length) continue;
    const found = await select<{ id: number }>(`SELECT id FROM ${target} WHERE id IN (${placeholders(wanted.length)}) AND deleted_at IS NULL`, wanted, transaction);
    const missing = wanted.filter((id) => !found.some((row) => row.id === id));
    if (missing.length) errors[field] = [`Unknown ${target}: ${missing.join(', ')}.`];
  }
  if (Object.keys(errors).length) throw invalid(errors);
}

async function ensureRefFree(ref: string | undefined, exceptId: number | undefined, transaction: Transaction) {
  if (ref === undefined) return;
  const [taken] = await select('SELECT id FROM products WHERE live_ref = ? AND id <> ?', [ref, exceptId ?? 0], transaction);
  if (taken) throw conflict('A product with this ref already exists.');
}

async function replaceLinks(productId: number, body: ProductBody, transaction: Transaction) {
  for (const { field, table, column } of LINKS) {
    const wanted = body[field];
    if (wanted === undefined) continue;
    await run(`DELETE FROM ${table} WHERE product_id = ?`, [productId], transaction);
    const unique = [...new Set(wanted)];
    if (unique.length) {
      await run(`INSERT INTO ${table} (product_id, ${column}) VALUES ${unique.map(() => '(?, ?)').join(', ')}`, unique.flatMap((id) => [productId, id]), transaction);
    }
  }
}

/** The columns a body sets, normalized (a price is stored as the decimal string of its cents). */
function columnsOf(body: ProductBody) {
  const columns: Partial<Record<keyof ProductBody, unknown>> = {};
  for (const field of ['name', 'ref', 'description', 'stock', 'brand_id', 'is_active'] as const) if (body[field] !== undefined) columns[field] = body[field];
  if (body.price_ht !== undefined) columns.price_ht = formatCents(toCents(body.price_ht));
  return columns;
}

const admin = {
  view: { permission: 'products.update' }, create: { permission: 'products.create' },
  update: { permission: 'products.update' }, delete: { permission: 'products.delete' },
};

export const adminProductRoutes = [
  route<{}, ListQuery & ProductFilters>({
    method: 'GET', path: '/admin/products', summary: 'Every product, inactive ones too (filter is_active)', access: admin.view,
    query: productListQuery(isActiveFilter),
    handler: ({ query }) => listProducts(query, 'admin'),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/admin/products/:id', summary: 'One product, active or not', access: admin.view, params: idParams,
    handler: ({ params }) => productOr404(params.id, 'admin'),
  }),
  route<{}, {}, ProductBody>({
    method: 'POST', path: '/admin/products', summary: 'Create a product (ref unique: 409)', access: admin.create,
    body: { type: 'object', required: ['name', 'ref', 'price_ht', 'stock'], properties: productFields },
    handler: async ({ body }) => {
      const id = await db.sequelize.transaction(async (transaction) => {
        await checkReferences(body, transaction);
        await ensureRefFree(body.ref, undefined, transaction);
        const product = await Product.create({ description: null, brand_id: null, ...columnsOf(body) } as never, { transaction });
        await replaceLinks(product.id, body, transaction);
        await emitProductSnapshots(transaction, EVENTS.productCreated, [product.id]);
        await bumpCatalogueVersion(transaction);
        return product.id;
      });
      return reply.created(await productOr404(id, 'admin'));
    },
  }),
  route<{ id: number }, {}, ProductBody>({
    method: 'PUT', path: '/admin/products/:id', summary: 'Update a product (only the fields sent; stock never below reserved: 409)', access: admin.update,
    params: idParams, body: { type: 'object', properties: productFields },
    handler: async ({ params, body }) => {
      await db.sequelize.transaction(async (transaction) => {
        const current = await lockProduct(params.id, transaction);
        await checkReferences(body, transaction);
        await ensureRefFree(body.ref, params.id, transaction);
        if (body.stock !== undefined && body.stock < current.reserved) throw conflict(`The stock cannot go below the ${current.reserved} units reserved by orders.`);
        await Product.update(columnsOf(body) as never, { where: { id: params.id }, transaction });
        await replaceLinks(params.id, body, transaction);
        await emitProductSnapshots(transaction, EVENTS.productUpdated, [params.id]);
        if (body.stock !== undefined && body.stock !== current.stock) await emitStockLevels(transaction, [params.id]);
        await bumpCatalogueVersion(transaction);
      });
      return productOr404(params.id, 'admin');
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/admin/products/:id', summary: 'Delete a product (hidden everywhere) and its images', access: admin.delete,
    params: idParams, response: { status: 204 },
    handler: async ({ params }) => {
      const keys = await db.sequelize.transaction(async (transaction) => {
        await lockProduct(params.id, transaction);
        const images = await select<{ key: string }>('SELECT `key` FROM product_images WHERE product_id = ?', [params.id], transaction);
        await run('DELETE FROM product_images WHERE product_id = ?', [params.id], transaction);
        await Product.destroy({ where: { id: params.id }, transaction });
        await emitProductDeleted(transaction, params.id);
        await bumpCatalogueVersion(transaction);
        return images.map((image) => image.key);
      });
      await removeImageObjects(keys);
      return reply.noContent();
    },
  }),
];
