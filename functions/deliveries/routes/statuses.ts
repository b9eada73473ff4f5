import { QueryTypes } from 'sequelize';
import { conflict, crudRoutes, route, staff, type CrudOptions } from '../../kit';
import { db, Status } from '../database';
import { LIFECYCLE_STATUSES, type DeliveryStatus } from '../lifecycle';

const isLifecycle = (name: string) => LIFECYCLE_STATUSES.includes(name as DeliveryStatus);

const statusResource: Omit<CrudOptions<Status>, 'path' | 'access'> = {
  model: Status, noun: 'status',
  fields: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,49}$' },
    color: { type: ['string', 'null'], pattern: '^#[0-9A-Fa-f]{6}$' },
    description: { type: ['string', 'null'], maxLength: 255 },
  },
  required: ['name'], unique: ['name'], sortable: ['id', 'name'], defaultSort: 'id',
  // The lifecycle (and the events other services read) names these statuses.
  validate: async (values, existing) => {
    if (existing && isLifecycle(existing.name) && values.name !== existing.name) throw conflict(`The status "${existing.name}" belongs to the delivery lifecycle and cannot be renamed.`);
  },
  afterWrite: async (action, row) => {
    if (action === 'deleted' && isLifecycle(row.name)) throw conflict(`The status "${row.name}" belongs to the delivery lifecycle and cannot be deleted.`);
  },
};

/** How many live deliveries are in each status. */
async function statistics() {
  const rows = await db.sequelize.query<{ id: number; name: string; color: string | null; count: string | number }>(
    `SELECT s.id, s.name, s.color, COUNT(d.id) AS count FROM status s
     LEFT JOIN deliveries d ON d.status_id = s.id AND d.deleted_at IS NULL
     GROUP BY s.id, s.name, s.color ORDER BY s.id`,
    { type: QueryTypes.SELECT },
  );
  const byStatus = rows.map((row) => ({ ...row, count: Number(row.count) }));
  return { total: byStatus.reduce((sum, row) => sum + row.count, 0), by_status: byStatus };
}

const view = staff('orders.view');
const manage = staff('orders.update');

export const statusRoutes = [
  route({ method: 'GET', path: '/status/statistics', summary: 'Number of deliveries per status', access: 'public', handler: statistics }),
  route({ method: 'GET', path: '/admin/status/statistics', summary: 'Number of deliveries per status', access: view, handler: statistics }),
  ...crudRoutes({ ...statusResource, path: '/status', access: { list: 'public', show: 'public', create: manage, update: manage, delete: manage }, only: ['list', 'show'] }),
  ...crudRoutes({ ...statusResource, path: '/admin/status', access: { list: view, show: view, create: manage, update: manage, delete: manage } }),
];
