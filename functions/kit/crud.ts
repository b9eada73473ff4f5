import { Op, type FindOptions, type Model, type ModelStatic, type Transaction, type WhereOptions } from 'sequelize';
import { conflict, notFound } from './errors';
import { escapeLike, listQuerySchema, paginate, type ListQuery } from './pagination';
import { reply, route, type Access, type Route } from './route';
import { idParams, type JsonSchema } from './validation';

type Action = 'list' | 'show' | 'create' | 'update' | 'delete';
type Values = Record<string, unknown>;

export interface CrudOptions<M extends Model> {
  model: ModelStatic<M>;
  /** Singular noun for messages and the documentation: "category". */
  noun: string;
  /** Where writes live, e.g. `/admin/categories`. */
  path: string;
  /** Where reads live when not under `path`, e.g. `/categories`. */
  readPath?: string;
  access: Record<Action, Access>;
  /** JSON Schemas of the fields a client may write; anything else in a body is stripped. */
  fields: Record<string, JsonSchema>;
  required: string[];
  sortable?: string[];
  /** Fields the `search` query looks in (LIKE). */
  searchable?: string[];
  /** Query filters matched exactly against the field of the same name. */
  filters?: Record<string, JsonSchema>;
  /** Fields whose value no other row may have: 409. */
  unique?: string[];
  include?: FindOptions['include'];
  /** The order of a list when no `sort` is asked for. */
  defaultSort?: string;
  toJson?(row: M): unknown;
  /** Checks the values a write would leave (throw 422/409); `existing` on an update. */
  validate?(values: Values, existing: M | undefined, transaction: Transaction): Promise<void>;
  /** Runs in the write's transaction: related rows, events. */
  afterWrite?(action: 'created' | 'updated' | 'deleted', row: M, transaction: Transaction, values: Values): Promise<void>;
  only?: Action[];
}


/**
 * The list, show, create, update (partial, PUT and PATCH) and delete routes of a plain resource,
 * with validation, permissions, uniqueness, search, filters, sorting and Laravel's list shape.
 */
export function crudRoutes<M extends Model>(options: CrudOptions<M>): Route[] {
  const { model, noun } = options;
  const sequelize = () => model.sequelize!;
  const readPath = options.readPath ?? options.path;
  const json = (row: M) => (options.toJson ? options.toJson(row) : row.toJSON());

  const find = async (id: number, transaction?: Transaction) => {
    const row = await model.findByPk(id, { include: options.include, transaction });
    if (!row) throw notFound(`The ${noun} does not exist.`);
    return row;
  };

  const ensureUnique = async (values: Values, exceptId: number | undefined, transaction: Transaction) => {
    for (const field of options.unique ?? []) {
      if (values[field] === undefined || values[field] === null) continue;
      const where = { [field]: values[field], ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) } as WhereOptions;
      if (await model.findOne({ where, transaction })) throw conflict(`A ${noun} with this ${field} already exists.`);
    }
  };

  const write = (action: 'created' | 'updated', values: Values, existing?: M) =>
    sequelize().transaction(async (transaction) => {
      const merged = { ...(existing?.get({ plain: true }) as Values | undefined), ...values };
      await ensureUnique(values, existing ? Number(existing.get('id')) : undefined, transaction);
      await options.validate?.(merged, existing, transaction);
      const row = existing ? await existing.update(values, { transaction }) : await model.create(values as never, { transaction });
      await options.afterWrite?.(action, row, transaction, values);
      return Number(row.get('id'));
    });

  const body = (required: string[]): JsonSchema => ({ type: 'object', required, properties: options.fields });
  const routes: Record<Action, Route> = {
    list: route<{}, ListQuery & Values>({
      method: 'GET', path: readPath, summary: `List ${noun} records`, access: options.access.list,
      query: listQuerySchema(options.sortable ?? ['id', 'created_at'], {
        ...(options.searchable ? { search: { type: 'string', maxLength: 100 } } : {}),
        ...options.filters,
      }),
      handler: async ({ query }) => {
        const where: Values = {};
        for (const field of Object.keys(options.filters ?? {})) if (query[field] !== undefined) where[field] = query[field];
        const search = typeof query.search === 'string' ? query.search.trim() : '';
        const conditions = search && options.searchable ? { [Op.or]: options.searchable.map((f) => ({ [f]: { [Op.like]: `%${escapeLike(search)}%` } })) } : {};
        const page = await paginate(model, { ...query, sort: query.sort ?? options.defaultSort }, { where: { ...where, ...conditions } as WhereOptions, include: options.include });
        return { ...page, data: page.data.map(json) };
      },
    }),
    show: route<{ id: number }>({
      method: 'GET', path: `${readPath}/:id`, summary: `One ${noun}`, access: options.access.show, params: idParams,
      handler: async ({ params }) => json(await find(params.id)),
    }),
    create: route<{}, {}, Values>({
      method: 'POST', path: options.path, summary: `Create a ${noun}`, access: options.access.create, body: body(options.required),
      handler: async ({ body: values }) => reply.created(json(await find(await write('created', values)))),
    }),
    update: route<{ id: number }, {}, Values>({
      method: 'PUT', path: `${options.path}/:id`, summary: `Update a ${noun} (only the fields sent)`, access: options.access.update, params: idParams, body: body([]),
      handler: async ({ params, body: values }) => json(await find(await write('updated', values, await find(params.id)))),
    }),
    delete: route<{ id: number }>({
      method: 'DELETE', path: `${options.path}/:id`, summary: `Delete a ${noun}`, access: options.access.delete, params: idParams, response: { status: 204 },
      handler: async ({ params }) => {
        await sequelize().transaction(async (transaction) => {
          const row = await find(params.id, transaction);
          await row.destroy({ transaction });
          await options.afterWrite?.('deleted', row, transaction, {});
        });
        return reply.noContent();
      },
    }),
  };
  return (options.only ?? (Object.keys(routes) as Action[])).map((action) => routes[action]);
}
