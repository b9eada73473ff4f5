import { serviceUrl, type ServiceName } from './config';
import { currentScope } from './context';
import { HttpError } from './errors';

export interface ServiceAnswer<T = any> {
  status: number;
  body: T;
}

/**
 * Calls another service's HTTP API as the current caller: their token and the request id go
 * along. A service that is down or too slow is a 503 for our caller, never a hang.
 */
export async function callService<T = any>(
  service: ServiceName,
  path: string,
  options: { method?: string; body?: unknown; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<ServiceAnswer<T>> {
  const scope = currentScope();
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (scope?.requestId) headers['x-request-id'] = scope.requestId;
  if (scope?.token) headers.authorization = `Bearer ${scope.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${serviceUrl(service)}${path}`, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch {
    throw new HttpError(503, `The ${service} service is unavailable; nothing was changed. Try again shortly.`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  if (response.status >= 500) throw new HttpError(503, `The ${service} service failed (${response.status}); nothing was changed. Try again shortly.`);
  return { status: response.status, body: body as T };
}
