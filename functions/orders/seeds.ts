import type { Seed } from '../kit';
import { db } from './database';
import type { OrderStatusName } from './lifecycle';

const STATUSES: Record<OrderStatusName, { description: string; color: string }> = {
  pending: { description: 'Placed; waiting for its stock to be reserved.', color: '#f0ad4e' },
  confirmed: { description: 'Stock reserved; waiting to be prepared.', color: '#5bc0de' },
  processing: { description: 'Being prepared.', color: '#337ab7' },
  shipped: { description: 'Handed to the carrier.', color: '#6f42c1' },
  delivered: { description: 'Delivered to the customer.', color: '#5cb85c' },
  cancelled: { description: 'Cancelled before shipping.', color: '#d9534f' },
  refunded: { description: 'Returned and refunded.', color: '#777777' },
  returned: { description: 'Came back from the customer or the carrier.', color: '#e83e8c' },
};

export const seeds: Seed[] = [
  {
    name: '001-order-statuses',
    async run() {
      const now = new Date();
      const rows = Object.entries(STATUSES).map(([name, details]) => ({ name, ...details, created_at: now, updated_at: now }));
      await db.models.OrderStatus.bulkCreate(rows, { ignoreDuplicates: true });
    },
  },
];
