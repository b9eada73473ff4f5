import type { AddressInfo } from 'node:net';
import type { ChannelModel } from 'amqplib';
import type { Trigger } from '../trigger';
import { envInt } from '../../functions/kit/config';
import { log } from '../../functions/kit/log';
import { AmqpSourceBridge } from './amqp-source';
import { ReconnectingConnection, superviseChannel } from './connection';
import { deliveryPolicy } from './delivery-policy';
import { TriggerDispatcher } from './dispatcher';
import { envelopeToAmqp, type EventEnvelope } from './envelope';
import { HttpSender } from './http-delivery';
import { createIngress } from './ingress';
import { startPing } from './ping';
import { ConfirmPublisher } from './publisher';
import { declareTopology, exchangeName, type AmqpSource } from './topology';

export type { AmqpSource };

export interface BrokerOptions {
  port: number;
  /** Interface to listen on; 127.0.0.1 unless told otherwise. */
  host?: string;
  rabbitmqUrl: string;
  brokerName?: string;
  /** Triggers of other brokers are ignored, as Knative would. */
  triggers: Trigger[];
  /** The bearer token the ingress requires of publishers; null leaves it open (a broker tested alone). */
  publishToken: string | null;
  /** The absolute URL a Trigger's subscriber takes events on. */
  resolveSubscriber: (trigger: Trigger) => string;
  sources?: AmqpSource[];
  /** Period of the `dev.knative.sources.ping` tick; default PING_INTERVAL_MS or 60000; 0 turns it off. */
  pingIntervalMs?: number;
  /** On stop, how long deliveries in flight may take to finish. */
  stopGraceMs?: number;
}

export interface RunningBroker {
  /** The ingress URL to give functions as K_SINK (any path is accepted; this one looks like Knative's). */
  url: string;
  port: number;
  brokerName: string;
  exchange: string;
  /** Whether RabbitMQ is connected and the topology declared. */
  isConnected: () => boolean;
  /** Publish an event as if it had been POSTed to the ingress. */
  publish: (envelope: EventEnvelope) => Promise<void>;
  stop: () => Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const brokerName = options.brokerName ?? 'default';
  const exchange = exchangeName(brokerName);
  const logger = log.child({ component: 'broker', broker: brokerName });
  const sources = options.sources ?? [];
  const triggers = options.triggers.filter((trigger) => {
    if (trigger.broker === brokerName) return true;
    logger.warn({ trigger: trigger.name, its_broker: trigger.broker }, 'trigger belongs to another broker: ignored');
    return false;
  });
  assertUniqueNames(triggers);

  const sender = new HttpSender();
  const publisher = new ConfirmPublisher();
  // Assigned below; the dispatchers need it to ask for a reconnect.
  let connection: ReconnectingConnection;
  const restart = (reason: string, from: ChannelModel) => connection.restart(reason, from);
  const dispatchers = triggers.map(
    (trigger) =>
      new TriggerDispatcher(trigger, options.resolveSubscriber(trigger), deliveryPolicy(trigger), { broker: brokerName, exchange, sender, restart }),
  );
  const bridges = sources.map((source) => new AmqpSourceBridge(source, exchange, restart));

  connection = new ReconnectingConnection({
    url: options.rabbitmqUrl,
    connectionName: `eventing-broker ${brokerName}`,
    setup: async (amqp) => {
      const channel = await amqp.createConfirmChannel();
      superviseChannel(channel, 'ingress', (reason) => restart(reason, amqp));
      await declareTopology(channel, brokerName, triggers, sources);
      publisher.attach(channel);
      for (const dispatcher of dispatchers) await dispatcher.attach(amqp);
      for (const bridge of bridges) await bridge.attach(amqp);
    },
    teardown: () => {
      publisher.detach();
      for (const dispatcher of dispatchers) dispatcher.detach();
      for (const bridge of bridges) bridge.detach();
    },
  });

  const publish = (envelope: EventEnvelope) => {
    const { content, options: publishOptions } = envelopeToAmqp(envelope);
    return publisher.publish(exchange, '', content, publishOptions);
  };
  const isConnected = () => connection.isUp;

  const server = createIngress({ publish, isConnected, publishToken: options.publishToken });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const connected = await connection.start();
  const pingIntervalMs = options.pingIntervalMs ?? envInt('PING_INTERVAL_MS', 60_000);
  const stopPing = pingIntervalMs > 0 ? startPing(pingIntervalMs, publish) : () => undefined;
  const url = `http://127.0.0.1:${port}/local/${brokerName}`;
  logger.info({ url, triggers: triggers.length, sources: sources.length, connected }, 'broker started');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      stopPing();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = options.stopGraceMs ?? 2000;
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.stop(grace)));
      await Promise.all(bridges.map((bridge) => bridge.stop()));
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, grace).unref())]);
      server.closeAllConnections();
      await connection.stop();
      sender.destroy();
      logger.info('broker stopped');
    })());

  return { url, port, brokerName, exchange, isConnected, publish, stop };
}

function assertUniqueNames(triggers: Trigger[]): void {
  const seen = new Set<string>();
  for (const trigger of triggers) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(trigger.name)) {
      throw new Error(`trigger name "${trigger.name}" is not a DNS label`);
    }
    if (seen.has(trigger.name)) throw new Error(`two triggers are named ${trigger.name}`);
    seen.add(trigger.name);
    if (!Number.isInteger(trigger.parallelism) || trigger.parallelism < 1) {
      throw new Error(`trigger ${trigger.name}: parallelism must be a positive integer`);
    }
  }
}
