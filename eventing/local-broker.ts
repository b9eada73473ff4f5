/**
 * The local broker process that `npm start` runs: the platform's Triggers (from the services'
 * subscriptions), each delivering to its function's URL. Env: BROKER_PORT (8090 + PORT_OFFSET),
 * BROKER_NAME (default), PING_INTERVAL_MS, BROKER_AMQP_SOURCES (JSON list of { queue, type, source }).
 */
import { env, serviceUrl, type ServiceName } from '../functions/kit/config';
import { log } from '../functions/kit/log';
import { exitWithParent } from '../functions/kit/lifecycle';
import { runBroker } from './broker';
import type { AmqpSource } from './broker';
import { deliveryPath, platformTriggers } from './triggers';

const brokerName = env('BROKER_NAME', 'default');
// Locally every Trigger goes through the one broker this process runs, whatever its name.
const triggers = platformTriggers().map((trigger) => ({ ...trigger, broker: brokerName }));
const sources = JSON.parse(env('BROKER_AMQP_SOURCES', '[]')) as AmqpSource[];

runBroker(triggers, (trigger) => `${serviceUrl(trigger.subscriber.service as ServiceName)}${deliveryPath(trigger)}`, sources).then(
  () => {
    if (env('EXIT_WITH_PARENT') === 'true') exitWithParent(() => process.kill(process.pid, 'SIGTERM'));
  },
  (error) => {
    log.error({ err: error }, 'the local broker could not start');
    process.exit(1);
  },
);
