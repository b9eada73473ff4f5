import { conflict, fieldError, moneySchema, notFound, route, toBasisPoints, type ListQuery, type Route } from '../../kit';
import { Brand, Catalog, Category, Type, Vat } from '../database';
import { isYes, listProducts, type ProductFilters } from '../catalogue';
import { emitVatChange } from '../events';
import { checkLive } from '../rules';
import { select } from '../sql';
import { checkNoChildren, checkParent, treeOf, type TreeTable } from '../tree';
import { catalogueCrud, idField, idParams, nameField, optionalIdField, productListQuery, treeFlag } from './common';

const vatRoutes = catalogueCrud({
  model: Vat, noun: 'VAT rate', path: '/admin/vat', readPath: '/vat',
  fields: { name: nameField, rate: moneySchema('percentage, e.g. "20.00"') }, required: ['name', 'rate'],
  sortable: ['name', 'rate', 'created_at'], searchable: ['name'],
  validate: async (values) => {
    if (toBasisPoints(values.rate as string) > 100_00) throw fieldError('rate', 'The rate may not be greater than 100.');
  },
  afterWrite: async (action, row, transaction, values) => {
    if (action === 'deleted') {
      const [type] = await select('SELECT id FROM types WHERE vat_id = ? AND deleted_at IS NULL LIMIT 1', [row.id], transaction);
      if (type) throw conflict('The VAT rate is used by a type; change the type first.');
    }
    if (action === 'updated' && values.rate !== undefined) await emitVatChange(transaction, { vat_id: row.id });
  },
});

const brandRoutes = catalogueCrud({
  model: Brand, noun: 'brand', path: '/admin/brands', readPath: '/brands',
  fields: { name: nameField, website: { type: ['string', 'null'], format: 'uri', maxLength: 255 } }, required: ['name'],
  sortable: ['name', 'created_at'], searchable: ['name'],
});

const typeRoutes = catalogueCrud({
  model: Type, noun: 'type', path: '/admin/types', readPath: '/types',
  fields: { name: nameField, vat_id: idField }, required: ['name', 'vat_id'],
  sortable: ['name', 'created_at'], searchable: ['name'], filters: { vat_id: idField },
  include: [{ model: Vat, as: 'vat' }],
  validate: (values, _existing, transaction) => checkLive(values, { vat_id: 'vat' }, transaction),
  // A product's VAT comes from its first type: a type's new VAT or its deletion changes products' prices.
  afterWrite: async (action, row, transaction, values) => {
    if (action === 'deleted' || values.vat_id !== undefined) await emitVatChange(transaction, { type_id: row.id });
  },
});

function treeRoutes(table: TreeTable, model: typeof Category | typeof Catalog, noun: string): Route[] {
  const routes = catalogueCrud<Category | Catalog>({
    model: model as typeof Category, noun, path: `/admin/${table}`, readPath: `/${table}`,
    fields: { name: nameField, parent_id: optionalIdField }, required: ['name'],
    sortable: ['name', 'created_at'], searchable: ['name'], filters: { parent_id: idField },
    validate: (values, existing, transaction) => checkParent(table, existing?.id, values.parent_id, transaction),
    afterWrite: async (action, row, transaction) => {
      if (action === 'deleted') await checkNoChildren(table, row.id, transaction);
    },
  });
  // `?tree=1` answers every node nested under its parent instead of a page.
  return routes.map((r) => (r.method === 'GET' && r.path === `/${table}`
    ? route<{}, ListQuery & { tree?: string }>({
      ...r,
      summary: `List ${table} (a page, or the whole tree with ?tree=1)`,
      query: { ...r.query, properties: { ...(r.query?.properties as object), ...treeFlag } },
      handler: async (req) => (isYes(req.query.tree) ? { data: await treeOf(table) } : r.handler(req)),
    })
    : r));
}

/** `GET /<things>/{id}/products`: the public product list of one brand, type, category (with its sub-categories) or catalog. */
function productsOf(table: string, filter: keyof ProductFilters, noun: string): Route {
  return route<{ id: number }, ListQuery & ProductFilters>({
    method: 'GET', path: `/${table}/:id/products`, summary: `Products of a ${noun}`, access: 'public', params: idParams, query: productListQuery(),
    handler: async ({ params, query }) => {
      const [row] = await select(`SELECT id FROM ${table} WHERE id = ? AND deleted_at IS NULL`, [params.id]);
      if (!row) throw notFound(`The ${noun} does not exist.`);
      return listProducts({ ...query, [filter]: params.id }, 'public');
    },
  });
}

export const referenceRoutes: Route[] = [
  ...vatRoutes,
  ...brandRoutes,
  ...typeRoutes,
  ...treeRoutes('categories', Category, 'category'),
  ...treeRoutes('catalogs', Catalog, 'catalog'),
  productsOf('brands', 'brand_id', 'brand'),
  productsOf('types', 'type_id', 'type'),
  productsOf('categories', 'category_id', 'category'),
  productsOf('catalogs', 'catalog_id', 'catalog'),
];
