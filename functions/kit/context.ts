import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What the kit knows about the request being served, reachable from any code it calls. */
export interface RequestScope {
  requestId: string;
  /** The caller's bearer token, forwarded on calls to other services. */
  token?: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

export const currentScope = (): RequestScope | undefined => storage.getStore();
export const runInScope = <T>(scope: RequestScope, fn: () => T): T => storage.run(scope, fn);
/** For work that outlives the request that started it (its logs must not claim that request's id). */
export const runOutsideScope = <T>(fn: () => T): T => storage.exit(fn);

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `X-Request-ID` when it is sane, a fresh UUID otherwise. */
export function requestIdFrom(headers: IncomingHttpHeaders): string {
  const given = headers['x-request-id'];
  const value = Array.isArray(given) ? given[0] : given;
  return value && VALID_REQUEST_ID.test(value) ? value : randomUUID();
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
