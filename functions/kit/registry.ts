import { declareEvents } from './events/outbox';
import { createHttpFunction, type HttpFunction, type ServiceDefinition } from './service';
import { registerHttpFunction } from './functions';

export { registerHttpFunction, registeredFunction } from './functions';

/** Every service registered in this process, by name. */
const services = new Map<string, ServiceDefinition>();

/** Registers a service with functions-framework under its name; the lean host serves the same function. */
export function registerService(service: ServiceDefinition): HttpFunction {
  declareEvents(service.emits ?? []);
  const fn = createHttpFunction(service);
  services.set(service.name, service);
  return registerHttpFunction(service.name, fn);
}

export const registeredServices = (): ServiceDefinition[] => [...services.values()];
