import { registerService, type ServiceDefinition } from '../kit';
import { db } from './database';
import { migrations } from './migrations';
import { seeds } from './seeds';
import { orderEvents } from './events';
import { orderSubscriptions } from './subscriptions';
import { checkoutRoutes } from './routes/checkout';
import { orderRoutes } from './routes/orders';
import { adminRoutes } from './routes/admin';
import { statusRoutes } from './routes/statuses';

export const orders: ServiceDefinition = {
  name: 'orders',
  title: 'Orders',
  description: 'Orders placed from baskets, their lifecycle (following stock and delivery events), status history and statistics.',
  routes: [...checkoutRoutes, ...orderRoutes, ...statusRoutes(), ...adminRoutes],
  database: db,
  migrations,
  seeds,
  emits: orderEvents,
  subscriptions: orderSubscriptions,
};

registerService(orders);
