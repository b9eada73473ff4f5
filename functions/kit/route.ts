import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Caller } from './jwt';
import type { Logger } from './log';
import type { JsonSchema } from './validation';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone, any valid token, or a token holding a permission (or role).
 * `session`: a valid token even if its grants changed since it was issued (auth's refresh). With
 * `staff: true` the permission must open everyone's data: customers hold some (`orders.view`) for
 * their own data only, so it takes a role other than `customer` as well (see `hasStaffPermission`).
 */
export type Access = 'public' | 'auth' | 'session' | { permission: string; staff?: boolean } | { role: string };

/** A permission held as staff: what every `/admin/...` route whose permission customers also hold needs. */
export const staff = (permission: string): Access => ({ permission, staff: true });

export interface Request<P = Record<string, string>, Q = Record<string, unknown>, B = Record<string, unknown>> {
  params: P;
  query: Q;
  body: B;
  headers: IncomingHttpHeaders;
  requestId: string;
  ip: string;
  /** The verified caller; set on every route that is not public (and on public ones when a valid token came). */
  caller?: Caller;
  /** The caller, or 401 when there is none. */
  readonly user: Caller;
  token?: string;
  log: Logger;
  raw: IncomingMessage;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body written piece by piece as it is produced (CSV exports...), instead of `body`. */
  stream?: AsyncIterable<string | Buffer>;
}

const REPLY = Symbol('reply');
type TaggedReply = Reply & { [REPLY]: true };

export const reply = {
  with: (status: number, body?: unknown, headers?: Record<string, string>): TaggedReply => ({ [REPLY]: true, status, body, headers }),
  ok: (body: unknown) => reply.with(200, body),
  created: (body: unknown) => reply.with(201, body),
  noContent: () => reply.with(204),
  /** Streams `chunks` to the client as they come (never buffered whole); `headers` carry the content type. */
  stream: (headers: Record<string, string>, chunks: AsyncIterable<string | Buffer>, status = 200): TaggedReply => ({ [REPLY]: true, status, headers, stream: chunks }),
};

export const isReply = (value: unknown): value is Reply => typeof value === 'object' && value !== null && REPLY in value;

export interface Route<P = any, Q = any, B = any> {
  method: HttpMethod;
  /** find-my-way syntax: `/roles/:id`. */
  path: string;
  summary: string;
  access: Access;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** The success status and a schema of what it answers, for the OpenAPI document. */
  response?: { status?: number; description?: string; schema?: JsonSchema };
  tags?: string[];
  /** Left out of the API documentation (internal endpoints such as the event receiver). */
  hidden?: boolean;
  handler(req: Request<P, Q, B>): Promise<unknown> | unknown;
}

/** Declares a route with typed params, query and body (the schemas are what enforce them). */
export const route = <P = Record<string, string>, Q = Record<string, unknown>, B = Record<string, unknown>>(r: Route<P, Q, B>): Route<P, Q, B> => r;

/** SPEC: PUT and PATCH both take a partial body, so every PUT route also answers PATCH. */
export function withPatchAliases(routes: Route[]): Route[] {
  const patched = new Set(routes.filter((r) => r.method === 'PATCH').map((r) => r.path));
  const aliases = routes.filter((r) => r.method === 'PUT' && !patched.has(r.path)).map((r) => ({ ...r, method: 'PATCH' as const }));
  return [...routes, ...aliases];
}
