/**
 * Every setting the platform reads from its environment, in one place.
 * Defaults suit a developer machine; a cluster sets them through the Helm chart.
 */
export const SERVICE_NAMES = [
  'auth', 'products', 'orders', 'baskets', 'deliveries', 'newsletters',
  'sav', 'addresses', 'contacts', 'questions', 'websites',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Local ports from ARCHITECTURE.md. */
export const LOCAL_PORTS: Record<ServiceName | 'gateway', number> = {
  gateway: 8100, auth: 8001, products: 8003, orders: 8004, baskets: 8005, deliveries: 8006,
  newsletters: 8007, sav: 8008, addresses: 8009, contacts: 8010, websites: 8011, questions: 8012,
};

export function env(name: string, fallback: string): string;
export function env(name: string): string | undefined;
export function env(name: string, fallback?: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function envInt(name: string, fallback: number): number {
  const raw = env(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

export const isProduction = () => env('NODE_ENV') === 'production';

/** Local port of a function: its seed port shifted by PORT_OFFSET (tests run beside a dev platform). */
export function localPort(name: ServiceName | 'gateway'): number {
  return LOCAL_PORTS[name] + envInt('PORT_OFFSET', 0);
}

/**
 * Where a service answers. `SERVICE_URL_<NAME>` wins; otherwise Knative's cluster-local
 * address when `SERVICE_NAMESPACE` is set, else localhost on the service's port.
 */
export function serviceUrl(name: ServiceName): string {
  const explicit = env(`SERVICE_URL_${name.toUpperCase()}`);
  if (explicit) return explicit.replace(/\/$/, '');
  const namespace = env('SERVICE_NAMESPACE');
  if (namespace) return `http://${name}.${namespace}.svc.cluster.local`;
  return `http://127.0.0.1:${localPort(name)}`;
}

/** Connection URL (with database) of a service's own MySQL database. */
export function databaseUrl(service: string): string {
  const explicit = env(`DATABASE_URL_${service.toUpperCase()}`);
  if (explicit) return explicit;
  const url = new URL(env('DATABASE_URL', 'mysql://root@127.0.0.1:3306'));
  url.pathname = `/${databaseName(service)}`;
  return url.toString();
}

export function databaseName(service: string): string {
  return `${env('DATABASE_PREFIX', 'ecommerce_')}${service}`;
}

export const redisUrl = () => env('REDIS_URL', 'redis://127.0.0.1:6379');
export const rabbitmqUrl = () => env('RABBITMQ_URL', 'amqp://guest:guest@127.0.0.1:5672');

export const tokenTtlSeconds = () => envInt('JWT_TTL_SECONDS', 3600);
/** The absolute length of a session: refresh never carries a token past its login plus this. */
export const maxSessionSeconds = () => envInt('JWT_MAX_SESSION_SECONDS', 7 * 24 * 3600);
