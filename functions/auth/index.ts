import { registerService, type ServiceDefinition } from '../kit';
import { db } from './database';
import { migrations } from './migrations';
import { seeds } from './seeds';
import { sessionRoutes } from './routes/session';
import { permissionRoutes, roleRoutes } from './routes/grants';
import { userRoutes } from './routes/users';
import { authEvents } from './events';

export const auth: ServiceDefinition = {
  name: 'auth',
  title: 'Auth',
  description: 'Accounts, sign-in, tokens (RS256 JWT), roles and permissions.',
  routes: [...sessionRoutes, ...roleRoutes, ...permissionRoutes, ...userRoutes],
  database: db,
  migrations,
  seeds,
  emits: authEvents,
};

registerService(auth);
