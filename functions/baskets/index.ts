import { registerService, type ServiceDefinition } from '../kit';
import { db } from './database';
import { migrations } from './migrations';
import { seeds } from './seeds';
import { basketSubscriptions } from './events';
import { basketRoutes } from './routes/basket';
import { promoCodeRoutes, promoTypeRoutes, validatePromoCode } from './routes/promo-codes';
import { adminBasketRoutes } from './routes/admin';

export const baskets: ServiceDefinition = {
  name: 'baskets',
  title: 'Baskets',
  description: "Customers' baskets with their totals (promo codes, VAT per line), promo codes and types, and a read model of products kept from products' events.",
  routes: [validatePromoCode, ...basketRoutes, ...adminBasketRoutes, ...promoCodeRoutes, ...promoTypeRoutes],
  database: db,
  migrations,
  seeds,
  subscriptions: basketSubscriptions,
};

registerService(baskets);
