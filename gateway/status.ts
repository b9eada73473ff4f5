import amqp from 'amqplib';
import { SERVICE_NAMES, rabbitmqUrl, serviceUrl } from '../functions/kit/config';
import { currentScope } from '../functions/kit/context';

const HEALTH_TIMEOUT_MS = 2000;

/** Every service's health, fetched in parallel, each bounded by a short timeout. */
export function servicesStatus() {
  const requestId = currentScope()?.requestId ?? '';
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
      return { name, status: up ? 'up' : 'down', latency_ms: Math.round(performance.now() - started), url };
    }),
  );
}

export async function rabbitmqStatus() {
  try {
    const connection = await amqp.connect(rabbitmqUrl(), { timeout: 2000 });
    await connection.close();
    return { status: 'success', rabbitmq_connected: true, message: 'RabbitMQ answers.' };
  } catch (error) {
    return { status: 'success', rabbitmq_connected: false, message: `RabbitMQ does not answer: ${(error as Error).message}` };
  }
}
