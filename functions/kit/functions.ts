import type { IncomingMessage, ServerResponse } from 'node:http';
import * as functions from '@google-cloud/functions-framework';

export type HttpFunction = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Every HTTP function registered in this process, by name (what FUNCTION_TARGET picks). */
const httpFunctions = new Map<string, HttpFunction>();

/**
 * Registered with functions-framework (for `functions-framework --target`) and kept here for the
 * lean host. Light on purpose: the gateway registers through it without loading the service kit.
 */
export function registerHttpFunction(name: string, fn: HttpFunction): HttpFunction {
  functions.http(name, fn as unknown as functions.HttpFunction);
  httpFunctions.set(name, fn);
  return fn;
}

/** The same function functions-framework's registry holds, without loading its Express-based testing module. */
export const registeredFunction = (name: string): HttpFunction | undefined => httpFunctions.get(name);
