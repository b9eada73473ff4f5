import type { Trigger } from '../trigger';
import { env, envInt, rabbitmqUrl } from '../../functions/kit/config';
import { log } from '../../functions/kit/log';
import { publishCredential } from '../../functions/kit/credentials';
import { startBroker, type RunningBroker } from './broker';
import type { AmqpSource } from './topology';

/**
 * Starts the local broker from the environment (BROKER_PORT, default 8090 + PORT_OFFSET; BROKER_HOST,
 * default 0.0.0.0; RABBITMQ_URL; BROKER_NAME; PING_INTERVAL_MS) and stops it on SIGTERM/SIGINT.
 */
export async function runBroker(
  triggers: Trigger[],
  resolveSubscriber: (trigger: Trigger) => string,
  sources: AmqpSource[] = [],
): Promise<RunningBroker> {
  const publishToken = publishCredential();
  if (!publishToken) throw new Error('PLATFORM_SECRET must be set: the ingress accepts only publishers that hold it');
  const broker = await startBroker({
    publishToken,
    port: envInt('BROKER_PORT', 8090 + envInt('PORT_OFFSET', 0)),
    host: env('BROKER_HOST', '0.0.0.0'),
    rabbitmqUrl: rabbitmqUrl(),
    brokerName: env('BROKER_NAME', 'default'),
    triggers,
    resolveSubscriber,
    sources,
  });
  const shutdown = (signal: NodeJS.Signals) => {
    log.info({ component: 'broker', signal }, 'stopping');
    broker.stop().then(
      () => process.exit(0),
      (error: Error) => {
        log.error({ component: 'broker', err: error.message }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return broker;
}
