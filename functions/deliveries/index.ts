import { registerService, type ServiceDefinition } from '../kit';
import { declarationsOf } from '../contracts';
import { EVENTS } from '../contracts/commerce';
import { db } from './database';
import { migrations } from './migrations';
import { seeds } from './seeds';
import { deliverySubscriptions } from './events';
import { trackingRoutes } from './routes/tracking';
import { salePointRoutes } from './routes/sale-points';
import { statusRoutes } from './routes/statuses';
import { deliveryRoutes } from './routes/deliveries';
import { adminDeliveryRoutes } from './routes/admin-deliveries';

export const deliveries: ServiceDefinition = {
  name: 'deliveries',
  title: 'Deliveries',
  description: 'Deliveries of confirmed orders, their status lifecycle and public tracking; pickup sale points.',
  routes: [...trackingRoutes, ...salePointRoutes, ...statusRoutes, ...deliveryRoutes, ...adminDeliveryRoutes],
  database: db,
  migrations,
  seeds,
  emits: declarationsOf(EVENTS.deliveryCreated, EVENTS.deliveryStatusChanged),
  subscriptions: deliverySubscriptions,
};

registerService(deliveries);
