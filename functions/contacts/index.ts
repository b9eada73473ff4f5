import { registerService, type ServiceDefinition } from '../kit';
import { declarationsOf } from '../contracts';
import { ENGAGEMENT_EVENTS } from '../contracts/engagement';
import { db } from './database';
import { migrations } from './migrations';
import { contactSubscriptions } from './events';
import { publicRoutes } from './routes/public';
import { bulkRoutes } from './routes/bulk';
import { contactRoutes } from './routes/contacts';
import { listRoutes } from './routes/lists';
import { tagRoutes } from './routes/tags';
import { messageRoutes } from './routes/messages';

export const contacts: ServiceDefinition = {
  name: 'contacts',
  title: 'Contacts',
  description: 'The contact base (from the contact form, registrations, purchases and newsletter sign-ups), static and dynamic lists, tags, CSV exports, the contact-form inbox.',
  routes: [...publicRoutes, ...bulkRoutes, ...contactRoutes, ...listRoutes, ...tagRoutes, ...messageRoutes],
  database: db,
  migrations,
  emits: declarationsOf(ENGAGEMENT_EVENTS.contactMessageReceived),
  subscriptions: contactSubscriptions,
};

registerService(contacts);
