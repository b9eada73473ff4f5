import { registerService, type ServiceDefinition } from '../kit';
import { db } from './database';
import { migrations } from './migrations';
import { seeds } from './seeds';
import { countryRoutes } from './routes/countries';
import { addressRoutes } from './routes/addresses';

export const addresses: ServiceDefinition = {
  name: 'addresses',
  title: 'Addresses',
  description: "Countries, regions and customers' billing and shipping addresses.",
  routes: [...countryRoutes, ...addressRoutes],
  database: db,
  migrations,
  seeds,
};

registerService(addresses);
