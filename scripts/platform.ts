/**
 * The whole platform on one machine, as in a cluster: every function in its own process chosen
 * by FUNCTION_TARGET, the gateway, Nginx in front (when installed), a local S3 server.
 * Used by `npm start` and by the end-to-end tests (with a port offset and their own databases).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { FUNCTION_NAMES, type FunctionName } from '../functions/catalog';
import { LOCAL_PORTS } from '../functions/kit/config';
import { proxyCredential } from '../functions/kit/credentials';
import { LOCAL_DIR, REPO_ROOT, ensureDevKeys } from './local-env';
import { startSmtpSink } from './smtp-sink';
import { assertPortsFree } from './ports';

export interface PlatformOptions {
  portOffset?: number;
  databasePrefix?: string;
  /** Where function logs go: the console (npm start) or one file per process (tests). */
  logDir?: string;
  env?: Record<string, string>;
  nginx?: boolean;
  s3?: boolean;
  /** The local SMTP sink that newsletters mails to (on by default). */
  smtp?: boolean;
}

export interface RunningPlatform {
  urls: Record<string, string>;
  env: Record<string, string>;
  stopFunction(name: FunctionName): Promise<void>;
  startFunction(name: FunctionName): Promise<void>;
  stop(): Promise<void>;
}

const BUCKETS = ['products', 'sav', 'newsletters'];

export const nginxInstalled = () => spawnSync('nginx', ['-v']).status === 0;

export async function checkDependencies(env: Record<string, string | undefined>): Promise<void> {
  const mysql = new URL(env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306');
  const rabbit = new URL(env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const problems: string[] = [];
  if (!(await reachable(mysql.hostname, Number(mysql.port || 3306)))) {
    problems.push(`MySQL/MariaDB does not answer on ${mysql.host}. Start it: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`);
  }
  if (!(await reachable(rabbit.hostname, Number(rabbit.port || 5672)))) {
    problems.push(`RabbitMQ does not answer on ${rabbit.host}. Start it: rabbitmq-server -detached`);
  }
  if (problems.length) throw new Error(problems.join('\n'));
}

export async function startPlatform(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const offset = options.portOffset ?? Number(process.env.PORT_OFFSET ?? 0);
  const port = (name: FunctionName) => LOCAL_PORTS[name] + offset;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: process.env.NODE_ENV ?? 'development',
    PORT_OFFSET: String(offset),
    DATABASE_PREFIX: options.databasePrefix ?? process.env.DATABASE_PREFIX ?? 'ecommerce_',
    ADMIN_EMAIL: process.env.ADMIN_EMAIL ?? 'admin@example.com',
    ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? 'change-me-admin',
    // Proof of origin for events (the broker's delivery credentials, the ingress's publish token).
    PLATFORM_SECRET: process.env.PLATFORM_SECRET ?? randomBytes(24).toString('hex'),
    ...ensureDevKeys(),
    ...options.env,
  };
  await checkDependencies(env);
  const withNginx = options.nginx !== false && nginxInstalled();
  await assertPortsFree({
    ...Object.fromEntries(FUNCTION_NAMES.map((name) => [name, port(name)])),
    broker: 8090 + offset,
    ...(withNginx ? { nginx: 8080 + offset } : {}),
    ...(options.s3 !== false ? { 'local S3 server': 9000 + offset } : {}),
    ...(options.smtp !== false ? { 'SMTP sink': 2525 + offset, 'SMTP sink (HTTP)': 2580 + offset } : {}),
  });
  Object.assign(process.env, env);

  const { migrateAll } = await import('./migrate');
  await migrateAll();

  const children = new Map<string, ChildProcess>();
  const stoppers: Array<() => Promise<void>> = [];

  const output = options.logDir ? 'pipe' : 'inherit';
  // Flags Node refuses in NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile every process).
  const nodeArgs = (env.PLATFORM_NODE_ARGS ?? '').split(' ').filter(Boolean);
  /** A Node process of the platform, its output to the console or to `<logDir>/<name>.log`. */
  const spawnLogged = (name: string, script: string, processEnv: Record<string, string>) => {
    const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...processEnv, EXIT_WITH_PARENT: 'true' }, stdio: ['ignore', output, output] });
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true });
      const file = createWriteStream(join(options.logDir, `${name}.log`), { flags: 'a' });
      child.stdout!.pipe(file);
      child.stderr!.pipe(file);
    }
    children.set(name, child);
    return child;
  };
  const startFunction = async (name: FunctionName) => {
    const child = spawnLogged(name, join(REPO_ROOT, 'dist', 'functions', 'host.js'), { ...env, FUNCTION_TARGET: name, PORT: String(port(name)) });
    await waitForHttp(`http://127.0.0.1:${port(name)}/health`, child, name);
  };
  const stopFunction = async (name: FunctionName) => {
    const child = children.get(name);
    children.delete(name);
    if (child) await terminate(child);
  };

  let s3Url: string | undefined;
  if (options.s3 !== false) {
    s3Url = await startS3(9000 + offset, join(LOCAL_DIR, `s3-${offset}`));
    env.S3_ENDPOINT = s3Url;
  }
  if (options.smtp !== false) {
    // Mail goes over real SMTP to a sink that keeps it; its HTTP endpoint lists what was sent.
    const sink = await startSmtpSink({ smtpPort: 2525 + offset, httpPort: 2580 + offset });
    stoppers.push(() => sink.stop());
    Object.assign(env, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.smtpPort), SMTP_SINK_URL: sink.httpUrl! });
  }
  const clientsUrl = withNginx ? `http://127.0.0.1:${8080 + offset}` : `http://127.0.0.1:${port('gateway')}`;
  env.NEWSLETTERS_PUBLIC_URL ??= `${clientsUrl}/api/v1/newsletters`;
  // A development secret for the delivery webhooks; a cluster sets its own.
  env.EMAIL_WEBHOOK_SECRET ??= 'local-webhook-secret';
  const brokerPort = 8090 + offset;
  const brokerName = env.BROKER_NAME ?? (offset ? `local-${offset}` : 'default');
  Object.assign(env, { BROKER_NAME: brokerName, BROKER_PORT: String(brokerPort), K_SINK: `http://127.0.0.1:${brokerPort}/local/${brokerName}` });
  try {
    const broker = spawnLogged('broker', join(REPO_ROOT, 'dist', 'eventing', 'local-broker.js'), env);
    await waitForHttp(`http://127.0.0.1:${brokerPort}/health`, broker, 'broker');
    await Promise.all(FUNCTION_NAMES.map(startFunction));
    let nginxUrl: string | undefined;
    if (withNginx) {
      const nginx = startNginx(8080 + offset, port('gateway'), join(LOCAL_DIR, `nginx-${offset}`));
      children.set('nginx', nginx);
      nginxUrl = `http://127.0.0.1:${8080 + offset}`;
      await waitForHttp(`${nginxUrl}/api/health`, nginx, 'nginx');
    }
    const urls: Record<string, string> = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, `http://127.0.0.1:${port(name)}`]));
    if (nginxUrl) urls.nginx = nginxUrl;
    if (s3Url) urls.s3 = s3Url;
    if (env.SMTP_SINK_URL) Object.assign(urls, { smtp: `smtp://127.0.0.1:${env.SMTP_PORT}`, smtp_sink: env.SMTP_SINK_URL });
    urls.broker = env.K_SINK;
    return {
      urls,
      env,
      startFunction,
      stopFunction,
      async stop() {
        await Promise.all([...children.values()].map(terminate));
        children.clear();
        for (const stopper of stoppers) await stopper();
      },
    };
  } catch (error) {
    await Promise.all([...children.values()].map(terminate));
    throw error;
  }

  async function startS3(s3Port: number, directory: string): Promise<string> {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const S3rver = require('s3rver');
    mkdirSync(directory, { recursive: true });
    const server = new S3rver({ port: s3Port, address: '127.0.0.1', directory, silent: true, configureBuckets: BUCKETS.map((name) => ({ name })) });
    await server.run();
    stoppers.push(() => server.close());
    return `http://127.0.0.1:${s3Port}`;
  }
}

/**
 * Writes the repository's Nginx configuration for a local run into `prefix` (pid, temp files,
 * logs go there too) and returns the nginx.conf to start Nginx with. The gateway is an address:
 * nothing is looked up at run time (NGINX_UPSTREAM_RESOLVE empty), so the resolver is never asked.
 */
export function writeNginxConfig(listenPort: number, gatewayPort: number, prefix: string): string {
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const values: Record<string, string> = {
    NGINX_PORT: `127.0.0.1:${listenPort}`,
    GATEWAY_UPSTREAM: `127.0.0.1:${gatewayPort}`,
    NGINX_UPSTREAM_RESOLVE: '',
    NGINX_RESOLVER: '127.0.0.1',
    NGINX_MAX_BODY: '10m',
    NGINX_ACCESS_LOG: join(prefix, 'logs', 'access.log'),
    NGINX_PROXY_TOKEN: proxyCredential() ?? '',
  };
  const server = readFileSync(join(REPO_ROOT, 'gateway', 'nginx', 'default.conf.template'), 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  writeFileSync(join(prefix, 'platform.conf'), server);
  const runAsRoot = process.getuid?.() === 0 ? 'user root;\n' : '';
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    `${runAsRoot}worker_processes 1;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/logs/error.log warn;\nevents { worker_connections 1024; }\n` +
      `http {\n  default_type application/octet-stream;\n  client_body_temp_path ${prefix}/body;\n  proxy_temp_path ${prefix}/proxy;\n` +
      `  fastcgi_temp_path ${prefix}/fastcgi;\n  uwsgi_temp_path ${prefix}/uwsgi;\n  scgi_temp_path ${prefix}/scgi;\n  include ${prefix}/platform.conf;\n}\n`,
  );
  return conf;
}

/** Nginx with the repository's configuration, its prefix under `.local/`. */
function startNginx(listenPort: number, gatewayPort: number, prefix: string): ChildProcess {
  const conf = writeNginxConfig(listenPort, gatewayPort, prefix);
  return spawn('nginx', ['-p', prefix, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function waitForHttp(url: string, child: ChildProcess, name: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before answering`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status < 500 || response.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms`);
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

