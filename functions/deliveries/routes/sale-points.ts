import { Op, type WhereOptions } from 'sequelize';
import { crudRoutes, escapeLike, idParams, listQuerySchema, notFound, pageOf, paginate, requiredText, route, staff, type ListQuery } from '../../kit';
import { SalePoint } from '../database';
import { boundingBox, distanceKm } from '../geo';

const hours = { type: ['string', 'null'], maxLength: 50, description: '"09:00-19:00", "09:00-12:00, 14:00-19:00" or "closed"' };
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

const fields = {
  name: requiredText(255),
  code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,50}$' },
  address: requiredText(255),
  city: requiredText(255),
  postal_code: requiredText(20),
  phone: { type: ['string', 'null'], maxLength: 30 },
  email: { type: ['string', 'null'], format: 'email', maxLength: 255 },
  opening_hours: { type: ['object', 'null'], properties: Object.fromEntries(WEEKDAYS.map((day) => [day, hours])) },
  is_active: { type: 'boolean' },
  latitude: { type: 'number', minimum: -90, maximum: 90 },
  longitude: { type: 'number', minimum: -180, maximum: 180 },
};
const SORTABLE = ['id', 'name', 'city', 'postal_code', 'created_at'];

type NearbyQuery = ListQuery & { lat: number; lng: number; radius: number };
/** Pages as in every list; no `sort`: nearest first is the point. */
const { sort: _sort, ...paging } = (listQuerySchema([]) as { properties: Record<string, unknown> }).properties;
const nearbyQuery = {
  type: 'object',
  required: ['lat', 'lng'],
  properties: {
    ...paging,
    lat: { type: 'number', minimum: -90, maximum: 90 },
    lng: { type: 'number', minimum: -180, maximum: 180 },
    radius: { type: 'number', exclusiveMinimum: 0, maximum: 100, default: 10, description: 'km' },
  },
};

/** Active sale points within `radius` km, nearest first, each with its great-circle `distance_km`. */
async function nearby(query: NearbyQuery) {
  const center = { lat: query.lat, lng: query.lng };
  const box = boundingBox(center, query.radius);
  const candidates = await SalePoint.findAll({
    where: {
      is_active: true,
      latitude: { [Op.between]: [box.lat.min, box.lat.max] },
      ...(box.lng ? { longitude: { [Op.between]: [box.lng.min, box.lng.max] } } : {}),
    },
  });
  const near = candidates
    .map((point) => ({ point, distance: distanceKm(center, { lat: point.latitude, lng: point.longitude }) }))
    .filter(({ distance }) => distance <= query.radius)
    .sort((a, b) => a.distance - b.distance || a.point.id - b.point.id);
  const start = (query.page - 1) * query.per_page;
  const data = near.slice(start, start + query.per_page).map(({ point, distance }) => ({ ...point.toJSON(), distance_km: Math.round(distance * 100) / 100 }));
  return pageOf(data, near.length, query);
}

export const salePointRoutes = [
  route<{}, ListQuery & { city?: string; postal_code?: string; search?: string }>({
    method: 'GET', path: '/sale-points', summary: 'Active sale points (pickup relays)', access: 'public',
    query: listQuerySchema(SORTABLE, { city: { type: 'string', maxLength: 255 }, postal_code: { type: 'string', maxLength: 20 }, search: { type: 'string', maxLength: 100 } }),
    handler: async ({ query }) => {
      const where: WhereOptions = {
        is_active: true,
        ...(query.city ? { city: query.city } : {}),
        ...(query.postal_code ? { postal_code: { [Op.startsWith]: query.postal_code } } : {}),
        ...(query.search ? { [Op.or]: ['name', 'city', 'address', 'postal_code'].map((field) => ({ [field]: { [Op.like]: `%${escapeLike(query.search!)}%` } })) } : {}),
      };
      return paginate(SalePoint, { ...query, sort: query.sort ?? 'name' }, { where });
    },
  }),
  route<{}, NearbyQuery>({
    method: 'GET', path: '/sale-points/nearby', summary: 'Active sale points within `radius` km (default 10, at most 100) of lat/lng, nearest first', access: 'public',
    query: nearbyQuery,
    handler: ({ query }) => nearby(query),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/sale-points/:id', summary: 'One active sale point', access: 'public', params: idParams,
    handler: async ({ params }) => {
      const point = await SalePoint.findOne({ where: { id: params.id, is_active: true } });
      if (!point) throw notFound('The sale point does not exist.');
      return point;
    },
  }),
  ...crudRoutes({
    model: SalePoint, noun: 'sale point', path: '/admin/sale-points',
    access: { list: staff('orders.view'), show: staff('orders.view'), create: staff('orders.update'), update: staff('orders.update'), delete: staff('orders.update') },
    fields, required: ['name', 'code', 'address', 'city', 'postal_code', 'latitude', 'longitude'], unique: ['code'],
    sortable: SORTABLE, searchable: ['name', 'code', 'city', 'postal_code'], filters: { is_active: { type: 'boolean' }, city: { type: 'string', maxLength: 255 } },
  }),
];
