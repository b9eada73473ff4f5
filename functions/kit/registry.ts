import * as functions from '@google-cloud/functions-framework';
import { declareEvents } from './events/outbox';
import { createHttpFunction, type HttpFunction, type ServiceDefinition } from './service';

/** Everything registered in this process, by function name (what FUNCTION_TARGET picks). */
const services = new Map<string, ServiceDefinition>();
const httpFunctions = new Map<string, HttpFunction>();

/** Registers a service with functions-framework under its name; the lean host serves the same function. */
export function registerService(service: ServiceDefinition): HttpFunction {
  declareEvents(service.emits ?? []);
  const fn = createHttpFunction(service);
  services.set(service.name, service);
  return registerHttpFunction(service.name, fn);
}

/** Registered with functions-framework (for `functions-framework --target`) and kept here for the lean host. */
export function registerHttpFunction(name: string, fn: HttpFunction): HttpFunction {
  functions.http(name, fn as unknown as functions.HttpFunction);
  httpFunctions.set(name, fn);
  return fn;
}

/** The same function functions-framework's registry holds, without loading its Express-based testing module. */
export const registeredFunction = (name: string): HttpFunction | undefined => httpFunctions.get(name);

export const registeredServices = (): ServiceDefinition[] => [...services.values()];
