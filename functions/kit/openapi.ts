import { withPatchAliases, type Route } from './route';
import type { JsonSchema } from './validation';

interface Documented {
  name: string;
  title: string;
  description: string;
  routes: Route[];
}

const errorSchema: JsonSchema = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    request_id: { type: 'string' },
  },
  required: ['message'],
};

/** OpenAPI 3.1 for one service, paths as the service sees them (or under `prefix`, as clients call them). */
export function openApiDocument(service: Documented, prefix = '') {
  return {
    openapi: '3.1.0',
    info: { title: service.title, version: '1.0.0', description: service.description },
    paths: openApiPaths(service, prefix),
    components: componentsSection(),
  };
}

export function componentsSection() {
  return {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: { Error: errorSchema },
  };
}

export function openApiPaths(service: Documented, prefix = ''): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of withPatchAliases(service.routes).filter((r) => !r.hidden)) {
    const path = prefix + route.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(service.name, route);
  }
  return paths;
}

function operation(serviceName: string, route: Route) {
  const status = String(route.response?.status ?? (route.method === 'POST' ? 201 : 200));
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  const responses: Record<string, unknown> = {
    [status]: {
      description: route.response?.description ?? 'Success',
      ...(route.response?.schema ? { content: { 'application/json': { schema: route.response.schema } } } : {}),
    },
  };
  if (route.body || route.query || route.params) responses['422'] = errorResponse('Validation failed');
  if (route.access !== 'public') responses['401'] = errorResponse('Missing, invalid, expired or revoked token');
  if (typeof route.access === 'object') responses['403'] = errorResponse('The caller lacks the permission');
  return {
    operationId: `${serviceName}.${route.method.toLowerCase()}${route.path.replace(/[/:{}-]+(\w)?/g, (_, c?: string) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    tags: route.tags ?? [serviceName],
    ...(route.access === 'public' ? {} : { security: [{ bearer: [] }] }),
    ...(typeof route.access === 'object' ? { 'x-required': route.access } : {}),
    parameters: [...pathParameters(route), ...queryParameters(route.query)],
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    responses,
  };
}

function pathParameters(route: Route) {
  const declared = (route.params?.properties ?? {}) as Record<string, JsonSchema>;
  return [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: declared[name] ?? { type: 'string' } }));
}

function queryParameters(schema: JsonSchema | undefined) {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.has(name), schema: property }));
}
