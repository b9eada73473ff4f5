import amqp, { type ChannelModel } from 'amqplib';
import { SERVICE_NAMES, env, rabbitmqUrl, serviceUrl } from '../functions/kit/config';
import { onShutdown } from '../functions/kit/lifecycle';
import { currentScope } from '../functions/kit/context';

const HEALTH_TIMEOUT_MS = 2000;

/** Every service's health, fetched in parallel, each bounded by a short timeout. */
export function servicesStatus() {
  const requestId = currentScope()?.requestId ?? '';
  const publicPrefix = env('GATEWAY_PUBLIC_PREFIX', '/api/v1');
  return Promise.all(
    SERVICE_NAMES.map(async (name) => {
      const url = serviceUrl(name);
      const started = performance.now();
      let up = false;
      try {
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS), headers: { 'x-request-id': requestId } });
        up = response.ok;
        await response.body?.cancel();
      } catch {
        up = false;
      }
      // The address clients use: the internal one would map the cluster for anyone who asks.
      return { name, status: up ? 'up' : 'down', latency_ms: Math.round(performance.now() - started), url: `${publicPrefix}/${name}` };
    }),
  );
}

/**
 * One connection, kept: whether it is open is the answer. A closed one is reopened at most every
 * few seconds, however often the route is called.
 */
let connection: ChannelModel | undefined;
let connecting: Promise<void> | undefined;
let lastAttempt = 0;
let lastError = '';
const RECONNECT_EVERY_MS = 5_000;

function connect(): Promise<void> {
  lastAttempt = Date.now();
  return (connecting ??= amqp
    .connect(rabbitmqUrl(), { timeout: 2000, clientProperties: { connection_name: `gateway status :${env('PORT', '')}` } })
    .then((opened) => {
      connection = opened;
      lastError = '';
      const forget = () => { if (connection === opened) connection = undefined; };
      opened.on('close', forget);
      opened.on('error', forget);
    })
    .catch((error: Error) => { lastError = error.message; })
    .finally(() => { connecting = undefined; }));
}

export async function rabbitmqStatus() {
  if (!connection && Date.now() - lastAttempt >= RECONNECT_EVERY_MS) await connect();
  else if (connecting) await connecting;
  return connection
    ? { status: 'success', rabbitmq_connected: true, message: 'RabbitMQ answers.' }
    : { status: 'success', rabbitmq_connected: false, message: `RabbitMQ does not answer${lastError ? `: ${lastError}` : '.'}` };
}

onShutdown(async () => {
  await connection?.close().catch(() => undefined);
  connection = undefined;
});
