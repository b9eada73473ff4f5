import { registerService, type ServiceDefinition } from '../kit';
import { declarationsOf } from '../contracts';
import { ENGAGEMENT_EVENTS } from '../contracts/engagement';
import { db } from './database';
import { migrations } from './migrations';
import { seeds } from './seeds';
import { websiteRoutes } from './routes/websites';
import { configRoutes } from './routes/config';

export const websites: ServiceDefinition = {
  name: 'websites',
  title: 'Websites',
  description: "The shops' websites: domain, default site, and each one's settings (currency, locale, shipping costs, theme); /config answers a storefront's.",
  routes: [...websiteRoutes, ...configRoutes],
  database: db,
  migrations,
  seeds,
  emits: declarationsOf(ENGAGEMENT_EVENTS.websiteUpdated),
};

registerService(websites);
