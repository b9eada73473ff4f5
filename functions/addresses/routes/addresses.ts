import type { Order, WhereOptions } from 'sequelize';
import { idParams, listQuerySchema, optionalText, paginate, reply, requiredText, route, sortOrder, type ListQuery } from '../../kit';
import { Address, ADDRESS_TYPES, type AddressType } from '../database';
import { addressInclude, addressJson, checkPlace, makeDefault, makeDefaultIfNone, ownAddressOr404, promoteOldest, userTransaction } from '../addresses';

const coordinate = (limit: number) => ({ type: ['number', 'null'], minimum: -limit, maximum: limit });

const fields = {
  type: { type: 'string', enum: ADDRESS_TYPES },
  first_name: requiredText(255),
  last_name: requiredText(255),
  company: optionalText(255),
  address_line_1: requiredText(255),
  address_line_2: optionalText(255),
  city: requiredText(255),
  postal_code: requiredText(20),
  region_id: { type: ['integer', 'null'], minimum: 1 },
  country_id: { type: 'integer', minimum: 1 },
  phone: { type: ['string', 'null'], maxLength: 30, pattern: '^\\+?[0-9][0-9 ().-]{4,28}[0-9]$' },
  is_default: { type: 'boolean' },
  latitude: coordinate(90),
  longitude: coordinate(180),
};
const REQUIRED = ['type', 'first_name', 'last_name', 'address_line_1', 'city', 'postal_code', 'country_id'];

type Body = Partial<{
  type: AddressType; first_name: string; last_name: string; company: string | null; address_line_1: string; address_line_2: string | null;
  city: string; postal_code: string; region_id: number | null; country_id: number; phone: string | null; is_default: boolean;
  latitude: number | null; longitude: number | null;
}>;

const SORTABLE = ['id', 'type', 'city', 'postal_code', 'created_at', 'updated_at'];
const DEFAULT_ORDER: Order = [['is_default', 'DESC'], ['id', 'ASC']];

/** The stored values of a body: texts trimmed, empty optional texts as null; `is_default` is handled apart. */
function valuesOf(body: Body) {
  const { is_default: _isDefault, ...rest } = body;
  const values: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(rest)) {
    values[field] = typeof value === 'string' ? value.trim() || null : value;
  }
  return values as Omit<Body, 'is_default'>;
}

async function listOwn(userId: number, query: ListQuery, types?: AddressType[]) {
  const where: WhereOptions = { user_id: userId, ...(types ? { type: types } : {}) };
  const page = await paginate(Address, query, { where, include: addressInclude(), order: query.sort ? sortOrder(query.sort) : DEFAULT_ORDER });
  return { ...page, data: page.data.map(addressJson) };
}

const reload = async (userId: number, id: number) => addressJson(await ownAddressOr404(userId, id));

export const addressRoutes = [
  route<{}, ListQuery & { type?: AddressType }>({
    method: 'GET', path: '/addresses', summary: "The caller's addresses, default ones first", access: 'auth',
    query: listQuerySchema(SORTABLE, { type: { type: 'string', enum: ADDRESS_TYPES } }),
    handler: ({ user, query }) => listOwn(user.id, query, query.type ? [query.type] : undefined),
  }),
  route<{ type: AddressType }, ListQuery>({
    method: 'GET', path: '/addresses/type/:type', summary: "The caller's addresses usable as this type ('both' ones serve as billing and shipping)", access: 'auth',
    params: { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: ADDRESS_TYPES } } },
    query: listQuerySchema(SORTABLE),
    handler: ({ user, params, query }) => listOwn(user.id, query, params.type === 'both' ? ['both'] : [params.type, 'both']),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/addresses/:id', summary: 'One of the caller\'s addresses (404 when not theirs)', access: 'auth', params: idParams,
    handler: ({ user, params }) => reload(user.id, params.id),
  }),
  route<{}, {}, Body>({
    method: 'POST', path: '/addresses', summary: 'Add an address; the first of its type (or one sent with is_default) becomes the default', access: 'auth',
    body: { type: 'object', required: REQUIRED, properties: fields },
    handler: async ({ user, body }) => {
      const values = valuesOf(body) as Required<Omit<Body, 'is_default'>>;
      const id = await userTransaction(user.id, async (transaction) => {
        const postal_code = await checkPlace({ country_id: values.country_id, region_id: values.region_id ?? null, postal_code: values.postal_code }, true, transaction);
        const address = await Address.create({ ...values, postal_code, user_id: user.id, is_default: false }, { transaction });
        if (body.is_default === true) await makeDefault(address, transaction);
        else if (body.is_default === undefined) await makeDefaultIfNone(address.id, transaction);
        return address.id;
      });
      return reply.created(await reload(user.id, id));
    },
  }),
  route<{ id: number }, {}, Body>({
    method: 'PUT', path: '/addresses/:id', summary: 'Change an address (only the fields sent)', access: 'auth', params: idParams,
    body: { type: 'object', properties: fields },
    handler: async ({ user, params, body }) => {
      const values = valuesOf(body);
      await userTransaction(user.id, async (transaction) => {
        const address = await ownAddressOr404(user.id, params.id, transaction);
        const { type: oldType, is_default: wasDefault } = address;
        const place = { country_id: values.country_id ?? address.country_id, region_id: values.region_id !== undefined ? values.region_id : address.region_id, postal_code: values.postal_code ?? address.postal_code };
        const countryChosen = values.country_id !== undefined && values.country_id !== address.country_id;
        const postal_code = await checkPlace(place, countryChosen, transaction);
        const retyped = values.type !== undefined && values.type !== oldType;
        await address.update({ ...values, postal_code, ...(retyped || body.is_default === false ? { is_default: false } : {}) }, { transaction });
        if (body.is_default === true) await makeDefault(address, transaction);
        else if (retyped && wasDefault && body.is_default === undefined) await makeDefaultIfNone(address.id, transaction);
        if (retyped && wasDefault) await promoteOldest(user.id, oldType, transaction);
      });
      return reload(user.id, params.id);
    },
  }),
  route<{ id: number }>({
    method: 'POST', path: '/addresses/:id/set-default', summary: 'Make an address the default of its type (the previous one is unset)', access: 'auth', params: idParams,
    response: { status: 200 },
    handler: async ({ user, params }) => {
      await userTransaction(user.id, async (transaction) => makeDefault(await ownAddressOr404(user.id, params.id, transaction), transaction));
      return reload(user.id, params.id);
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/addresses/:id', summary: 'Delete an address (soft); the oldest other one of its type becomes the default', access: 'auth', params: idParams,
    response: { status: 204 },
    handler: async ({ user, params }) => {
      await userTransaction(user.id, async (transaction) => {
        const address = await ownAddressOr404(user.id, params.id, transaction);
        const wasDefault = address.is_default;
        await address.update({ is_default: false }, { transaction });
        await address.destroy({ transaction });
        if (wasDefault) await promoteOldest(user.id, address.type, transaction);
      });
      return reply.noContent();
    },
  }),
];
