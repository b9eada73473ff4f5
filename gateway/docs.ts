import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { componentsSection, openApiPaths } from '../functions/kit/openapi';
import type { Route } from '../functions/kit/route';
import { asyncApiDocument } from '../eventing/catalogue';

/** What the gateway answers itself, documented beside the services it forwards to. */
const GATEWAY_ROUTES: Route[] = [
  { method: 'GET', path: '/api/health', summary: 'Gateway health', access: 'public', handler: () => undefined },
  { method: 'GET', path: '/api/v1/health', summary: 'Gateway health (v1)', access: 'public', handler: () => undefined },
  { method: 'GET', path: '/api/v1/services/status', summary: "Every service's status, checked in parallel", access: 'public', handler: () => undefined },
  { method: 'GET', path: '/api/test-rabbitmq', summary: "Whether the event broker's RabbitMQ answers", access: 'public', handler: () => undefined },
  { method: 'GET', path: '/api/v1/asyncapi.json', summary: 'The AsyncAPI 3 document of every event', access: 'public', handler: () => undefined },
  { method: 'POST', path: '/api/v1/login', summary: 'Sign in (forwarded to auth /login)', access: 'public', response: { status: 200 }, handler: () => undefined },
];

let merged: object | undefined;
let events: object | undefined;

/** Every service's declaration, loaded on first use: a gateway cold start does not pay for them. */
function everyService() {
  const { allServices } = require('../functions/catalog') as typeof import('../functions/catalog');
  return allServices();
}

/** The AsyncAPI 3 document of every event the platform's services emit and apply. */
export function platformAsyncApi(): object {
  return (events ??= asyncApiDocument(everyService()));
}

/** One OpenAPI 3.1 document for the whole platform, paths as clients call them. */
export function platformOpenApi(): object {
  if (merged) return merged;
  const services = everyService();
  const paths = { ...openApiPaths({ name: 'gateway', title: 'Gateway', description: '', routes: GATEWAY_ROUTES }) };
  for (const service of services) Object.assign(paths, openApiPaths(service, `/api/v1/${service.name}`));
  merged = {
    openapi: '3.1.0',
    info: { title: 'E-commerce platform API', version: '1.0.0', description: 'Every route of every service, as clients call it through the gateway.' },
    servers: [{ url: '/' }],
    tags: services.map((s) => ({ name: s.name, description: s.description })),
    paths,
    components: componentsSection(),
  };
  return merged;
}

/** No inline script: Nginx's Content-Security-Policy for the docs allows scripts from the gateway only. */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>E-commerce platform API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body></html>`;

const INIT_SCRIPT = "SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs', deepLinking: true });\n";
const ASSETS: Record<string, string> = { 'swagger-ui.css': 'text/css', 'swagger-ui-bundle.js': 'application/javascript' };

export async function docsAsset(name: string): Promise<{ type: string; body: Buffer | string } | undefined> {
  if (name === 'init.js') return { type: 'application/javascript', body: INIT_SCRIPT };
  const type = ASSETS[name];
  return type ? { type, body: await readFile(join(dirname(require.resolve('swagger-ui-dist/package.json')), name)) } : undefined;
}
