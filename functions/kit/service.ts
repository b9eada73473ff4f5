import type { IncomingMessage, ServerResponse } from 'node:http';
import FindMyWay from 'find-my-way';
import type { ValidateFunction } from 'ajv';
import { HttpError, errorBody, forbidden, notFound, unauthorized, conflict, invalid } from './errors';
import { bearerToken, requestIdFrom, runInScope } from './context';
import { clientIp, drainRequest, readBody, sendJson, sendStream } from './http';
import { hasPermission, hasStaffPermission, prepareVerification, verifyToken, type Caller } from './jwt';
import { log } from './log';
import { compileOnUse, compileQuery, validate } from './validation';
import { isReply, reply, withPatchAliases, type Access, type Reply, type Request, type Route } from './route';
import { databaseAnswers, type Migration, type Seed } from './db';
import type { ServiceDatabase } from './database';
import { openApiDocument } from './openapi';
import { env } from './config';
import { eventTablesMigration } from './events/schema';
import { applyEvent, readCloudEvent } from './events/receiver';
import { EVENTS_PATH, type EventDeclaration, type Subscription } from './events/declarations';
import { deliveryCredential, sameSecret } from './credentials';
import { canonicalTarget } from './paths';
import { loggableUrl } from './redact';

export interface ServiceDefinition {
  name: string;
  title: string;
  description: string;
  routes: Route[];
  database?: ServiceDatabase<unknown>;
  migrations?: Migration[];
  seeds?: Seed[];
  /** Event types this service emits (through its outbox), with their data schemas. */
  emits?: EventDeclaration[];
  /** Event types it applies, each with its handler; a Trigger is made for each. */
  subscriptions?: Subscription[];
}

/** Services with events get the kit's outbox and inbox tables before their own. */
export const migrationsOf = (service: ServiceDefinition): Migration[] =>
  service.emits?.length || service.subscriptions?.length ? [eventTablesMigration, ...(service.migrations ?? [])] : service.migrations ?? [];


export type { HttpFunction } from './functions';
import type { HttpFunction } from './functions';

interface CompiledRoute {
  route: Route;
  params?: ValidateFunction;
  query?: ValidateFunction;
  body?: ValidateFunction;
}

const ACCESS_LOG = env('ACCESS_LOG', 'true') !== 'false';

/** A route's validators, each compiled on the route's first request: a cold start compiles none. */
const compiledRoute = (route: Route): CompiledRoute => ({
  route,
  params: route.params && compileOnUse(route.params),
  query: route.query && compileQuery(route.query),
  body: route.body && compileOnUse(route.body),
});

/** Turns a service declaration into one HTTP function: routing, validation, auth, errors, logs. */
export function createHttpFunction(service: ServiceDefinition): HttpFunction {
  // Models are defined now (no connection is opened): routes use model classes directly.
  void service.database?.models;
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 200 });
  const builtIns: Route[] = [
    { method: 'GET', path: '/health', summary: 'Health of the function and its database (readiness)', access: 'public', handler: () => health(service) },
    // Liveness must not depend on the database: a probe that failed with MySQL down would restart every function.
    { method: 'GET', path: '/live', summary: 'The process answers (liveness; does not touch the database)', access: 'public', handler: () => ({ status: 'alive', service: service.name }) },
    { method: 'GET', path: '/openapi.json', summary: "This service's OpenAPI document", access: 'public', handler: () => openApiDocument(service) },
    ...eventReceivers(service),
  ];
  for (const route of [...builtIns, ...withPatchAliases(service.routes)]) {
    router.on(route.method, route.path, () => undefined, compiledRoute(route));
  }
  let ready: Promise<void> | undefined;

  return async function serve(req, res) {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers);
    res.setHeader('X-Request-ID', requestId);
    const token = bearerToken(req.headers);
    await runInScope({ requestId, token }, async () => {
      let status = 500;
      try {
        ready ??= prepareVerification();
        await ready;
        const { path, search } = canonicalTarget(req.url ?? '/');
        const found = router.find(req.method as 'GET', path);
        if (!found) throw notFound(`No route for ${req.method} ${path}.`);
        const compiled = found.store as CompiledRoute;
        const request = await buildRequest(req, compiled, found.params as Record<string, string>, search.slice(1), requestId, token);
        const result = await retryOnDeadlock(() => compiled.route.handler(request));
        const answer: Reply = isReply(result) ? result : { status: 200, body: result };
        status = answer.status;
        if (answer.stream) await sendStream(res, answer.status, answer.stream, answer.headers);
        else sendJson(res, answer.status, answer.body, answer.headers);
      } catch (error) {
        const httpError = toHttpError(error);
        status = httpError.status;
        if (status >= 500) log.error({ err: error, method: req.method, url: loggableUrl(req.url ?? '') }, 'request failed');
        if (!res.headersSent) sendJson(res, status, errorBody(httpError, requestId), httpError.headers);
        else res.destroy();
      } finally {
        drainRequest(req);
        if (ACCESS_LOG) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          log.info({ method: req.method, url: loggableUrl(req.url ?? ''), status, duration_ms: Math.round(ms * 100) / 100 }, 'request');
        }
      }
    });
  };
}

/**
 * POST /events/<credential>: CloudEvents from the broker, each applied once through the inbox.
 * Only the broker knows the service's delivery credential: any other caller gets 401, before the
 * body is read.
 */
function eventReceivers(service: ServiceDefinition): Route[] {
  const subscriptions = new Map((service.subscriptions ?? []).map((s) => [s.type, s]));
  const expected = deliveryCredential(service.name);
  let warned = false;
  const refuse = () => {
    if (!expected && !warned) {
      warned = true;
      log.error({ service: service.name }, 'PLATFORM_SECRET is not set: every event delivery is refused');
    }
    throw unauthorized('Events are accepted from the broker only.');
  };
  return [
    { method: 'POST', path: EVENTS_PATH, summary: 'CloudEvents delivered by the broker', access: 'public', hidden: true, handler: refuse },
    {
      method: 'POST', path: `${EVENTS_PATH}/:credential`, summary: 'CloudEvents delivered by the broker', access: 'public', hidden: true,
      async handler({ raw, params, requestId }) {
        if (!sameSecret(params.credential as string, expected)) refuse();
        const event = await readCloudEvent(raw);
        const scope = { requestId: typeof event.requestid === 'string' ? event.requestid : requestId };
        return runInScope(scope, () => applyEvent(service.database?.sequelize, subscriptions, event));
      },
    },
  ];
}

async function buildRequest(
  raw: IncomingMessage, compiled: CompiledRoute, params: Record<string, string>, search: string, requestId: string, token?: string,
): Promise<Request> {
  const caller = authorize(compiled.route.access, token);
  const query = parseQuery(search);
  const body = compiled.body ? ((await readBody(raw)) ?? {}) : undefined;
  if (compiled.body && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw invalid({ body: ['The request body must be a JSON object.'] });
  }
  return {
    params: compiled.params ? validate(compiled.params, { ...params }, 'params') : params,
    query: compiled.query ? validate(compiled.query, query, 'query') : query,
    body: compiled.body ? validate(compiled.body, body, 'body') : {},
    headers: raw.headers,
    requestId,
    ip: clientIp(raw),
    caller,
    get user(): Caller {
      if (!caller) throw unauthorized();
      return caller;
    },
    token,
    log,
    raw,
  };
}

/** Checks the token a route needs; on a public route a valid token still identifies the caller. */
function authorize(access: Access, token: string | undefined): Caller | undefined {
  if (access === 'public') {
    if (!token) return undefined;
    try {
      return verifyToken(token);
    } catch (error) {
      // A bad token makes an anonymous caller; one that cannot be checked yet (503) is not ignored.
      if (error instanceof HttpError && error.status === 503) throw error;
      return undefined;
    }
  }
  if (!token) throw unauthorized();
  const caller = verifyToken(token, { allowStaleGrants: access === 'session' });
  if (typeof access === 'object') {
    const allowed = 'permission' in access
      ? (access.staff ? hasStaffPermission : hasPermission)(caller, access.permission)
      : caller.roles.includes(access.role) || caller.roles.includes('super-admin');
    if (!allowed) throw forbidden();
  }
  return caller;
}

function parseQuery(search: string): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(search)) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    const existing = query[key];
    if (existing === undefined) query[key] = rawKey.endsWith('[]') ? [value] : value;
    else query[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

const isLockConflict = (error: unknown) => {
  const code = (error as { original?: { code?: string }; code?: string })?.original?.code ?? (error as { code?: string })?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
};

/**
 * A deadlock rolls the handler's transaction back; running the handler again is what MySQL asks
 * for ("try restarting transaction"). After a few tries the caller gets a 503 with Retry-After.
 */
async function retryOnDeadlock<T>(handler: () => Promise<T> | T, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handler();
    } catch (error) {
      if (attempt >= attempts || !isLockConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * attempt));
    }
  }
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const name = (error as { name?: string })?.name;
  if (name === 'SequelizeUniqueConstraintError') return conflict('The resource already exists.');
  if (name === 'SequelizeForeignKeyConstraintError') return conflict('The resource is referenced by or references another one.');
  if (isLockConflict(error)) {
    return new HttpError(503, 'A concurrent change got in the way; nothing was changed. Try again.', undefined, { 'Retry-After': '1' });
  }
  return new HttpError(500, 'Internal server error.');
}

async function health(service: ServiceDefinition) {
  const database = service.database ? ((await databaseAnswers(service.database.sequelize)) ? 'up' : 'down') : 'none';
  const healthy = database !== 'down';
  const body = { status: healthy ? 'ok' : 'unhealthy', service: service.name, database };
  return reply.with(healthy ? 200 : 503, body);
}
