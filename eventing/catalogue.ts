/**
 * The event catalogue, made from what services declare (`emits` with data schemas,
 * `subscriptions`): the AsyncAPI 3 document the gateway serves and the README's table.
 */
import type { ServiceDefinition } from '../functions/kit/service';
import { PING_EVENT_TYPE } from '../functions/kit/events/declarations';
import type { JsonSchema } from '../functions/kit/validation';

export interface CatalogueEntry {
  type: string;
  description: string;
  producer: string;
  consumers: string[];
  schema: JsonSchema;
}

const TICK: CatalogueEntry = {
  type: PING_EVENT_TYPE,
  description: 'Periodic tick: sweeps outboxes, starts scheduled work.',
  producer: 'PingSource / local broker',
  consumers: [],
  schema: { type: 'object' },
};

export function eventCatalogue(unordered: ServiceDefinition[]): CatalogueEntry[] {
  // In name order, so the catalogue does not depend on which module happened to load first.
  const services = [...unordered].sort((a, b) => a.name.localeCompare(b.name));
  const entries = new Map<string, CatalogueEntry>();
  for (const service of services) {
    for (const declared of service.emits ?? []) {
      entries.set(declared.type, { type: declared.type, description: declared.description, producer: service.name, consumers: [], schema: declared.schema });
    }
  }
  entries.set(PING_EVENT_TYPE, { ...TICK, consumers: [] });
  for (const service of services) {
    const types = new Set((service.subscriptions ?? []).map((s) => s.type));
    if (service.emits?.length) types.add(PING_EVENT_TYPE);
    for (const type of types) {
      const entry = entries.get(type);
      if (entry) entry.consumers.push(service.name);
      else entries.set(type, { type, description: '(produced outside this platform)', producer: 'external', consumers: [service.name], schema: { type: 'object' } });
    }
  }
  return [...entries.values()].sort((a, b) => (a.type === PING_EVENT_TYPE ? 1 : b.type === PING_EVENT_TYPE ? -1 : a.type.localeCompare(b.type)));
}

const key = (type: string) => type.replace(/[^A-Za-z0-9]+/g, '_');

/** Every CloudEvent carries these attributes as `ce-` headers (binary mode). */
const CLOUDEVENT_HEADERS: JsonSchema = {
  type: 'object',
  required: ['ce-specversion', 'ce-id', 'ce-type', 'ce-source'],
  properties: {
    'ce-specversion': { type: 'string', const: '1.0' },
    'ce-id': { type: 'string', format: 'uuid' },
    'ce-type': { type: 'string' },
    'ce-source': { type: 'string', description: '/<service>' },
    'ce-subject': { type: 'string', description: 'the entity id' },
    'ce-time': { type: 'string', format: 'date-time' },
    'ce-requestid': { type: 'string', description: 'the X-Request-ID of the request that caused the event' },
  },
};

export function asyncApiDocument(services: ServiceDefinition[]) {
  const catalogue = eventCatalogue(services);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const entry of catalogue) {
    const id = key(entry.type);
    messages[id] = {
      name: entry.type, title: entry.type, summary: entry.description, contentType: 'application/json',
      headers: CLOUDEVENT_HEADERS, payload: entry.schema,
    };
    channels[id] = { address: entry.type, description: entry.description, messages: { [id]: { $ref: `#/components/messages/${id}` } } };
    const message = [{ $ref: `#/channels/${id}/messages/${id}` }];
    if (entry.producer !== 'external') {
      operations[`${key(entry.producer)}_sends_${id}`] = { action: 'send', channel: { $ref: `#/channels/${id}` }, messages: message, summary: `${entry.producer} emits it` };
    }
    for (const consumer of entry.consumers) {
      operations[`${consumer}_receives_${id}`] = { action: 'receive', channel: { $ref: `#/channels/${id}` }, messages: message, summary: `${consumer} applies it` };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'E-commerce platform events',
      version: '1.0.0',
      description: 'CloudEvents 1.0 (binary mode over HTTP) through the Knative RabbitMQ broker. Channels are event types.',
    },
    defaultContentType: 'application/json',
    servers: { broker: { host: 'broker-ingress', protocol: 'http', description: 'the Knative broker ingress (K_SINK)' } },
    channels,
    operations,
    components: { messages },
  };
}

/** The README's catalogue table. */
export function catalogueMarkdown(services: ServiceDefinition[]): string {
  const rows = eventCatalogue(services).map((e) => `| \`${e.type}\` | ${e.producer} | ${e.consumers.join(', ') || '—'} | ${e.description} |`);
  return ['| type | producer | consumers | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
