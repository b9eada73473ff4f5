import type { Model } from 'sequelize';
import { crudRoutes, listQuerySchema, moneySchema, type Access, type CrudOptions, type Route } from '../../kit';
import { bumpCatalogueVersion } from '../version';
import { SORTABLE } from '../catalogue';

/** Catalogue data: anyone reads, `products.create|update|delete` write. */
export const CATALOGUE_ACCESS = {
  list: 'public', show: 'public',
  create: { permission: 'products.create' }, update: { permission: 'products.update' }, delete: { permission: 'products.delete' },
} satisfies Record<string, Access>;

/** Path parameters that are ids: `idParamsOf('id', 'imageId')`. */
export function idParamsOf(...names: string[]) {
  return { type: 'object', required: names, properties: Object.fromEntries(names.map((name) => [name, { type: 'integer', minimum: 1 }])) };
}
export const idParams = idParamsOf('id');
export const nameField = { type: 'string', minLength: 1, maxLength: 255 };
export const idField = { type: 'integer', minimum: 1 };
export const optionalIdField = { type: ['integer', 'null'], minimum: 1 };
export const MAX_STOCK = 2_147_483_647; // INT
export const stockField = { type: 'integer', minimum: 0, maximum: MAX_STOCK };

/** A flag in a query string: `1`/`true` or `0`/`false`. */
const flag = { type: 'string', enum: ['1', '0', 'true', 'false'] };

/** The query of every product list: pagination, sort and the catalogue's filters. */
export const productListQuery = (extra: Record<string, unknown> = {}) => listQuerySchema(SORTABLE, {
  search: { type: 'string', maxLength: 100 },
  brand_id: idField,
  category_id: idField,
  type_id: idField,
  catalog_id: idField,
  min_price: moneySchema('lowest price before VAT'),
  max_price: moneySchema('highest price before VAT'),
  in_stock: flag,
  ...extra,
});

export const isActiveFilter = { is_active: flag };
export const treeFlag = { tree: flag };

/**
 * The kit's CRUD routes for catalogue data (CATALOGUE_ACCESS unless said otherwise), whose every
 * write bumps the catalogue's version (version.ts).
 */
export function catalogueCrud<M extends Model>(options: Omit<CrudOptions<M>, 'access'> & Partial<Pick<CrudOptions<M>, 'access'>>): Route[] {
  return crudRoutes({
    access: CATALOGUE_ACCESS,
    ...options,
    afterWrite: async (action, row, transaction, values) => {
      await options.afterWrite?.(action, row, transaction, values);
      await bumpCatalogueVersion(transaction);
    },
  });
}
