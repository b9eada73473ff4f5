import { registerService, type ServiceDefinition } from '../kit';
import { declarationsOf } from '../contracts';
import { ENGAGEMENT_EVENTS } from '../contracts/engagement';
import { db } from './database';
import { migrations } from './migrations';
import { publicRoutes } from './routes/public';
import { ticketRoutes } from './routes/tickets';
import { messageRoutes } from './routes/messages';
import { attachmentRoutes } from './routes/attachments';

export const sav: ServiceDefinition = {
  name: 'sav',
  title: 'Customer support (SAV)',
  description: 'Support tickets (from customers, or public with an access token), their messages, internal notes, attachments and statistics.',
  routes: [...publicRoutes, ...ticketRoutes, ...messageRoutes, ...attachmentRoutes],
  database: db,
  migrations,
  emits: declarationsOf(ENGAGEMENT_EVENTS.ticketCreated, ENGAGEMENT_EVENTS.ticketStatusChanged, ENGAGEMENT_EVENTS.ticketMessageAdded),
};

registerService(sav);
