import { col, fn } from 'sequelize';
import { conflict, crudRoutes, formatCents, route, staff, toCents, type CrudOptions } from '../../kit';
import { db, type OrderStatus } from '../database';
import { visibleTo } from '../access';
import { isLifecycleStatus } from '../lifecycle';
import { createdBetween, dateRange } from '../listing';

/** The lifecycle's statuses are found by name: they can be neither renamed nor deleted. */
const statusOptions = (): CrudOptions<OrderStatus> => ({
  model: db.models.OrderStatus,
  noun: 'order status',
  path: '/admin/order-status',
  access: { list: staff('orders.view'), show: staff('orders.view'), create: staff('orders.update'), update: staff('orders.update'), delete: staff('orders.delete') },
  fields: {
    name: { type: 'string', minLength: 1, maxLength: 50, pattern: '^[a-z][a-z0-9_]*$' },
    description: { type: ['string', 'null'], maxLength: 255 },
    color: { type: ['string', 'null'], pattern: '^#[0-9A-Fa-f]{6}$' },
  },
  required: ['name'],
  sortable: ['id', 'name'],
  searchable: ['name'],
  unique: ['name'],
  defaultSort: 'id',
  async validate(values, existing) {
    if (existing && isLifecycleStatus(existing.name) && values.name !== existing.name) throw conflict(`The ${existing.name} status is part of the order lifecycle and cannot be renamed.`);
  },
  async afterWrite(action, row) {
    if (action === 'deleted' && isLifecycleStatus(row.name)) throw conflict(`The ${row.name} status is part of the order lifecycle and cannot be deleted.`);
  },
});

interface CountRow { status_id: number; count: string | number; amount: string | null }

const statistics = route<{}, { from?: string; to?: string }>({
  method: 'GET', path: '/order-status/statistics', summary: "Count and amount (TTC) of orders per status (a customer's own orders only); filters from, to",
  access: { permission: 'orders.view' }, query: { type: 'object', properties: dateRange },
  handler: async ({ query, user }) => {
    const { Order, OrderStatus } = db.models;
    const [statuses, counts] = await Promise.all([
      OrderStatus.findAll({ order: [['id', 'ASC']] }),
      Order.findAll({
        where: { ...visibleTo(user), ...createdBetween(query.from, query.to) },
        attributes: ['status_id', [fn('COUNT', col('id')), 'count'], [fn('SUM', col('total_amount_ttc')), 'amount']],
        group: ['status_id'],
        raw: true,
      }) as unknown as Promise<CountRow[]>,
    ]);
    const byStatus = new Map(counts.map((row) => [Number(row.status_id), row]));
    const data = statuses.map((status) => {
      const row = byStatus.get(status.id);
      return { status_id: status.id, status: status.name, count: Number(row?.count ?? 0), total_amount_ttc: formatCents(toCents(row?.amount ?? '0')) };
    });
    return {
      data,
      total: { count: data.reduce((sum, row) => sum + row.count, 0), total_amount_ttc: formatCents(data.reduce((sum, row) => sum + toCents(row.total_amount_ttc), 0)) },
    };
  },
});

/** Public reads at /order-status, the same and the writes for staff at /admin/order-status, and the statistics. */
export function statusRoutes() {
  const options = statusOptions();
  return [
    statistics,
    ...crudRoutes({ ...options, path: '/order-status', access: { ...options.access, list: 'public', show: 'public' }, only: ['list', 'show'] }),
    ...crudRoutes(options),
  ];
}
