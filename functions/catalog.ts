import { SERVICE_NAMES, type ServiceName } from './kit/config';
import type { ServiceDefinition } from './kit/service';

/**
 * Every function of the platform and the module that registers it. A process loads only the
 * module of the function it serves, which keeps cold starts short.
 */
export const FUNCTION_NAMES = ['gateway', ...SERVICE_NAMES] as const;
export type FunctionName = 'gateway' | ServiceName;

/**
 * Functions only a cluster runs, from the same image: `deadletters` keeps what eventing-rabbitmq
 * dead-letters (eventing/dead-letters). Locally the broker keeps its own dead-letter queues, so
 * neither `npm start` nor Compose runs it.
 */
export const CLUSTER_FUNCTION_NAMES = ['deadletters'] as const;
export type ClusterFunctionName = (typeof CLUSTER_FUNCTION_NAMES)[number];

export function loadFunction(name: FunctionName | ClusterFunctionName): void {
  if (name === 'gateway') require('../gateway');
  else if (name === 'deadletters') require('../eventing/dead-letters');
  else require(`./${name}`);
}

export function loadAllFunctions(): void {
  for (const name of FUNCTION_NAMES) loadFunction(name);
}

/** Every service's declaration, all loaded: for tools and documents, never on a function's cold start. */
export function allServices(): ServiceDefinition[] {
  loadAllFunctions();
  const { registeredServices } = require('./kit/registry') as typeof import('./kit/registry');
  return registeredServices();
}

export const isFunctionName = (name: string): name is FunctionName => (FUNCTION_NAMES as readonly string[]).includes(name);
export const isClusterFunctionName = (name: string): name is ClusterFunctionName => (CLUSTER_FUNCTION_NAMES as readonly string[]).includes(name);
