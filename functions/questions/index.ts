import { registerService, type ServiceDefinition } from '../kit';
import { db } from './database';
import { migrations } from './migrations';
import { publicRoutes } from './routes/public';
import { adminRoutes } from './routes/admin';

export const questions: ServiceDefinition = {
  name: 'questions',
  title: 'Questions (FAQ)',
  description: 'The FAQ: questions with their answers, published in order, and a ranked full-text search.',
  routes: [...publicRoutes, ...adminRoutes],
  database: db,
  migrations,
};

registerService(questions);
