import { notFound, route, type ListQuery } from '../../kit';
import { findProduct, listProducts, type ProductFilters } from '../catalogue';
import { idParams, productListQuery } from './common';

export async function productOr404(id: number, audience: 'public' | 'admin') {
  const product = await findProduct(id, audience);
  if (!product) throw notFound('The product does not exist.');
  return product;
}

export const catalogueRoutes = [
  route<{}, ListQuery & ProductFilters>({
    method: 'GET', path: '/products', summary: 'The catalogue: active products, filtered, sorted, paginated', access: 'public',
    query: productListQuery(),
    handler: ({ query }) => listProducts(query, 'public'),
  }),
  route<{}, ListQuery & ProductFilters & { q: string }>({
    method: 'GET', path: '/products/search', summary: 'Search active products by name, ref, description and brand (every word must match)', access: 'public',
    query: { ...productListQuery({ q: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } }), required: ['q'] },
    handler: ({ query }) => listProducts(query, 'public', query.q),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/products/:id', summary: 'One active product with its types, categories, catalogs, attributes, characteristics and images', access: 'public',
    params: idParams,
    handler: ({ params }) => productOr404(params.id, 'public'),
  }),
];
