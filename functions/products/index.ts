import { registerService, type ServiceDefinition } from '../kit';
import { db } from './database';
import { migrations } from './migrations';
import { seeds } from './seeds';
import { productEvents } from './events';
import { reservationSubscriptions } from './reservations';
import { catalogueRoutes } from './routes/catalogue';
import { adminProductRoutes } from './routes/admin-products';
import { stockRoutes } from './routes/stock';
import { imageRoutes } from './routes/images';
import { referenceRoutes } from './routes/reference';
import { detailRoutes } from './routes/details';

export const products: ServiceDefinition = {
  name: 'products',
  title: 'Products',
  description: 'The catalogue (products, VAT, brands, types, categories, catalogs, images) and stock, reserved from order events.',
  routes: [...catalogueRoutes, ...adminProductRoutes, ...stockRoutes, ...imageRoutes, ...referenceRoutes, ...detailRoutes],
  database: db,
  migrations,
  seeds,
  emits: productEvents,
  subscriptions: reservationSubscriptions,
};

registerService(products);
