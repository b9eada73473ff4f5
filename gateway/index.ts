import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVICE_NAMES, env, type ServiceName } from '../functions/kit/config';
import { bearerToken, requestIdFrom, runInScope } from '../functions/kit/context';
import { HttpError, errorBody, notFound } from '../functions/kit/errors';
import { clientIp, sendJson } from '../functions/kit/http';
import { prepareVerification, verifyToken, type Caller } from '../functions/kit/jwt';
import { log } from '../functions/kit/log';
import { onShutdown } from '../functions/kit/lifecycle';
import { registerHttpFunction } from '../functions/kit/functions';
import { EVENTS_PATH } from '../functions/kit/events/declarations';
import { canonicalTarget } from '../functions/kit/paths';
import { loggableUrl } from '../functions/kit/redact';
import { forward, closeUpstreams } from './proxy';
import { enforceLimits, sensitiveBudget } from './limits';
import { rabbitmqStatus, servicesStatus } from './status';
import { DOCS_PAGE, docsAsset, platformAsyncApi, platformOpenApi } from './docs';

/** `/api/v1/<service>/<path>`, `/api/<service>/<path>`, `/v1/<service>/<path>` or `/<service>/<path>`, canonical. */
const FORWARDED = /^\/(?:api\/v1\/|api\/|v1\/)?([a-z][a-z0-9-]*)(\/.*)?$/;

/** Auth routes that take a stale token in their stride (they say so themselves, or ignore it). */
const TOKEN_NOT_CHECKED = new Set(['/login', '/register', '/validate-token']);

const ACCESS_LOG = env('ACCESS_LOG', 'true') !== 'false';
const SERVICES = new Set<string>(SERVICE_NAMES);

type Answer = { status: number; body: unknown; type?: string } | 'forwarded';

/** A service's event receiver, under any spelling: only the broker delivers events. */
const isEventReceiver = (servicePath: string) => servicePath === EVENTS_PATH || servicePath.startsWith(`${EVENTS_PATH}/`);

/** Routes, limits and denies on the canonical path only (see `canonicalPath`): no spelling slips past. */
async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<Answer> {
  const { path, search } = canonicalTarget(req.url ?? '/');
  const method = req.method ?? 'GET';

  if (method === 'GET') {
    switch (path) {
      case '/live':
      case '/health':
      case '/api/health':
        return { status: 200, body: { status: 'healthy', service: 'api-gateway' } };
      case '/api/v1/health':
        return { status: 200, body: { status: 'healthy', service: 'api-gateway', version: 'v1' } };
      case '/api/v1/services/status':
      case '/api/services/status':
        return { status: 200, body: await servicesStatus() };
      case '/api/test-rabbitmq':
      case '/api/v1/test-rabbitmq':
        return { status: 200, body: await rabbitmqStatus() };
      case '/api/v1/openapi.json':
      case '/api/openapi.json':
        return { status: 200, body: platformOpenApi() };
      case '/api/v1/asyncapi.json':
      case '/api/asyncapi.json':
        return { status: 200, body: platformAsyncApi() };
      case '/api/docs':
        return { status: 200, body: DOCS_PAGE, type: 'text/html; charset=utf-8' };
    }
    if (path.startsWith('/api/docs/')) {
      const asset = await docsAsset(path.slice('/api/docs/'.length));
      if (asset) return { status: 200, body: asset.body, type: asset.type };
    }
  }

  const login = method === 'POST' && (path === '/api/login' || path === '/api/v1/login');
  const match = login ? ['', 'auth', '/login'] : FORWARDED.exec(path);
  if (!match || !SERVICES.has(match[1])) throw notFound(match ? `Unknown service "${match[1]}".` : `No route for ${method} ${path}.`);
  const service = match[1] as ServiceName;
  const servicePath = match[2] || '/';
  if (isEventReceiver(servicePath)) throw notFound(`No route for ${method} ${path}.`);

  const ip = clientIp(req);
  const token = bearerToken(req.headers);
  let caller: Caller | undefined;
  if (token && !(service === 'auth' && TOKEN_NOT_CHECKED.has(servicePath))) {
    caller = verifyToken(token, { allowStaleGrants: service === 'auth' && servicePath === '/refresh' });
  }
  await enforceLimits(caller ? `user:${caller.id}` : `ip:${ip}`, ip, sensitiveBudget(service, method, servicePath));
  await forward(req, res, service, servicePath + search, requestId, ip);
  return 'forwarded';
}

let ready: Promise<void> | undefined;

export async function gateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  const requestId = requestIdFrom(req.headers);
  res.setHeader('X-Request-ID', requestId);
  await runInScope({ requestId, token: bearerToken(req.headers) }, async () => {
    let status = 500;
    try {
      ready ??= prepareVerification();
      await ready;
      const answer = await route(req, res, requestId);
      if (answer === 'forwarded') status = res.statusCode;
      else {
        status = answer.status;
        if (answer.type) {
          res.writeHead(answer.status, { 'Content-Type': answer.type, 'Cache-Control': 'public, max-age=3600' });
          res.end(answer.body);
        } else sendJson(res, answer.status, answer.body);
      }
    } catch (error) {
      const httpError = error instanceof HttpError ? error : new HttpError(500, 'Internal server error.');
      status = httpError.status;
      if (status === 500) log.error({ err: error, url: loggableUrl(req.url ?? '') }, 'gateway failure');
      if (!res.headersSent) sendJson(res, status, errorBody(httpError, requestId), httpError.headers);
      else res.destroy();
    } finally {
      if (ACCESS_LOG) log.info({ method: req.method, url: loggableUrl(req.url ?? ''), status, duration_ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'request');
    }
  });
}

onShutdown(closeUpstreams);
registerHttpFunction('gateway', gateway);
