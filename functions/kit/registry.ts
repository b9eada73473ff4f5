import * as functions from '@google-cloud/functions-framework';
import { declareEvents } from './events/outbox';
import { createHttpFunction, type HttpFunction, type ServiceDefinition } from './service';

/** Everything registered in this process, by function name (what FUNCTION_TARGET picks). */
const services = new Map<string, ServiceDefinition>();

/** Registers a service with functions-framework under its name; the lean host serves the same function. */
export function registerService(service: ServiceDefinition): HttpFunction {
  declareEvents(service.emits ?? []);
  const fn = createHttpFunction(service);
  services.set(service.name, service);
  functions.http(service.name, fn as unknown as functions.HttpFunction);
  return fn;
}

export function registerHttpFunction(name: string, fn: HttpFunction): HttpFunction {
  functions.http(name, fn as unknown as functions.HttpFunction);
  return fn;
}

export const registeredServices = (): ServiceDefinition[] => [...services.values()];
