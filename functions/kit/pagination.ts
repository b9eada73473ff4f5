import type { FindOptions, Model, ModelStatic, Order } from 'sequelize';
import type { JsonSchema } from './validation';

export interface ListQuery {
  page: number;
  per_page: number;
  sort?: string;
}

/**
 * The query schema of a list route: `page`, `per_page` (default 15, max 100), `sort` among the
 * given fields (`-field` for descending; anything else is a 422), plus the route's own filters.
 */
export function listQuerySchema(sortable: string[], filters: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    type: 'object',
    properties: {
      page: { type: 'integer', minimum: 1, default: 1 },
      per_page: { type: 'integer', minimum: 1, maximum: 100, default: 15 },
      sort: { type: 'string', enum: sortable.flatMap((field) => [field, `-${field}`]) },
      ...filters,
    },
  };
}

export function sortOrder(sort: string | undefined, fallback: Order = [['id', 'ASC']]): Order {
  if (!sort) return fallback;
  return sort.startsWith('-') ? [[sort.slice(1), 'DESC'], ['id', 'DESC']] : [[sort, 'ASC'], ['id', 'ASC']];
}

/** One page in Laravel's list shape. */
export async function paginate<M extends Model>(model: ModelStatic<M>, query: ListQuery, options: FindOptions = {}) {
  const { rows, count } = await model.findAndCountAll({
    order: sortOrder(query.sort),
    ...options,
    limit: query.per_page,
    offset: (query.page - 1) * query.per_page,
    distinct: true,
  });
  return pageOf(rows, count, query);
}

export function pageOf<T>(data: T[], total: number, query: ListQuery) {
  return {
    data,
    current_page: query.page,
    per_page: query.per_page,
    total,
    last_page: Math.max(1, Math.ceil(total / query.per_page)),
  };
}

/** Text to match literally inside a LIKE pattern. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');
