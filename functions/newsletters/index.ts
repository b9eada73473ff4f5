import { registerService, type ServiceDefinition } from '../kit';
import { declarationsOf } from '../contracts';
import { ENGAGEMENT_EVENTS } from '../contracts/engagement';
import { db } from './database';
import { migrations } from './migrations';
import { seeds } from './seeds';
import { newsletterSubscriptions } from './events';
import { publicRoutes } from './routes/public';
import { subscriberRoutes } from './routes/subscribers';
import { campaignRoutes } from './routes/campaigns';
import { assetRoutes } from './routes/assets';
import { templateRoutes } from './routes/templates';
import { webhookRoutes } from './routes/webhooks';

export const newsletters: ServiceDefinition = {
  name: 'newsletters',
  title: 'Newsletters',
  description: 'Subscribers with double opt-in, templates, campaigns sent over SMTP at a throttled rate as durable jobs, delivery webhooks and statistics.',
  routes: [...publicRoutes, ...subscriberRoutes, ...campaignRoutes, ...assetRoutes, ...templateRoutes, ...webhookRoutes],
  database: db,
  migrations,
  seeds,
  emits: declarationsOf(ENGAGEMENT_EVENTS.subscriberSubscribed, ENGAGEMENT_EVENTS.subscriberUnsubscribed, ENGAGEMENT_EVENTS.campaignSent),
  subscriptions: newsletterSubscriptions,
};

registerService(newsletters);
