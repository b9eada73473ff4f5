import { idParams, crudRoutes, fieldError, listQuerySchema, notFound, paginate, route, type ListQuery } from '../../kit';
import { Country, Region } from '../database';

const manage = { permission: 'settings.update' };

export const countryRoutes = [
  ...crudRoutes({
    model: Country, noun: 'country', path: '/admin/countries', readPath: '/countries',
    access: { list: 'public', show: 'public', create: manage, update: manage, delete: manage },
    fields: {
      name: { type: 'string', minLength: 1, maxLength: 255 },
      code: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' },
      iso3: { type: ['string', 'null'], pattern: '^[A-Z]{3}$' },
      phone_code: { type: ['string', 'null'], pattern: '^\\+\\d{1,4}$' },
      is_active: { type: 'boolean' },
    },
    required: ['name', 'code'],
    unique: ['code'],
    sortable: ['id', 'name', 'code'],
    defaultSort: 'name',
    searchable: ['name', 'code', 'iso3'],
    filters: { is_active: { type: 'boolean' }, code: { type: 'string', maxLength: 2 } },
  }),
  route<{ id: number }, ListQuery & { search?: string }>({
    method: 'GET', path: '/countries/:id/regions', summary: "A country's regions", access: 'public', params: idParams,
    query: listQuerySchema(['id', 'name', 'code']),
    handler: async ({ params, query }) => {
      if (!(await Country.findByPk(params.id))) throw notFound('The country does not exist.');
      return paginate(Region, { ...query, sort: query.sort ?? 'name' }, { where: { country_id: params.id } });
    },
  }),
  ...crudRoutes({
    model: Region, noun: 'region', path: '/admin/regions',
    access: { list: 'public', show: 'public', create: manage, update: manage, delete: manage },
    only: ['create', 'update', 'delete'],
    fields: {
      country_id: { type: 'integer', minimum: 1 },
      name: { type: 'string', minLength: 1, maxLength: 255 },
      code: { type: 'string', pattern: '^[A-Z0-9-]{1,10}$' },
    },
    required: ['country_id', 'name', 'code'],
    // (country_id, name) and (country_id, code) are unique indexes: a duplicate answers 409.
    validate: async (values, _existing, transaction) => {
      if (!(await Country.findByPk(values.country_id as number, { transaction }))) throw fieldError('country_id', 'The selected country is invalid.');
    },
  }),
];
