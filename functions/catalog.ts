import { SERVICE_NAMES, type ServiceName } from './kit/config';

/**
 * Every function of the platform and the module that registers it. A process loads only the
 * module of the function it serves, which keeps cold starts short.
 */
export const FUNCTION_NAMES = ['gateway', ...SERVICE_NAMES] as const;
export type FunctionName = 'gateway' | ServiceName;

/** Services whose issue has landed; the others are answered by a stub until theirs does. */
export const IMPLEMENTED: ReadonlySet<FunctionName> = new Set<FunctionName>(['gateway', 'auth', 'addresses', 'baskets', 'deliveries', 'newsletters', 'orders', 'products']);

export function loadFunction(name: FunctionName): void {
  if (name === 'gateway') require('../gateway');
  else if (IMPLEMENTED.has(name)) require(`./${name}`);
  else require('./stubs').registerStub(name);
}

export function loadAllFunctions(): void {
  for (const name of FUNCTION_NAMES) loadFunction(name);
}

export const isFunctionName = (name: string): name is FunctionName => (FUNCTION_NAMES as readonly string[]).includes(name);
