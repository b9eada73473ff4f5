import { Socket } from 'node:net';
import * as amqp from 'amqplib';
import type { ChannelModel, Channel } from 'amqplib';
import { log } from '../../functions/kit/log';

export interface ReconnectOptions {
  url: string;
  /** Shown by `rabbitmqctl list_connections client_properties`, so an operator (or a test) can find it. */
  connectionName: string;
  /** Declares topology and opens channels on a fresh connection; a throw closes it and retries later. */
  setup: (connection: ChannelModel) => Promise<void>;
  /** The connection is gone: forget every channel opened on it. */
  teardown: () => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * One AMQP connection that comes back by itself: after a close or an error it reconnects with
 * exponential backoff and runs `setup` again. No RabbitMQ failure escapes as an exception.
 */
export class ReconnectingConnection {
  private connection: ChannelModel | undefined;
  private up = false;
  private stopped = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly logger;

  constructor(private readonly options: ReconnectOptions) {
    this.logger = log.child({ component: 'amqp', connection: options.connectionName });
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Resolves after the first attempt, connected or not (later attempts go on in the background). */
  start(): Promise<boolean> {
    return this.connect();
  }

  /**
   * Drop the connection and build everything again (after a channel failed, for instance).
   * `connection` names the one the failure came from: a late report about an older one is ignored.
   */
  restart(reason: string, connection = this.connection): void {
    if (this.stopped || !connection || connection !== this.connection) return;
    this.logger.warn({ reason }, 'restarting the RabbitMQ connection');
    this.lost(connection);
    connection.close().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    if (this.up) {
      this.up = false;
      this.options.teardown();
    }
    if (connection) await connection.close().catch(() => undefined);
  }

  private async connect(): Promise<boolean> {
    if (this.stopped) return false;
    let connection: ChannelModel | undefined;
    try {
      connection = await amqp.connect(withHeartbeat(this.options.url), {
        clientProperties: { connection_name: this.options.connectionName },
        timeout: 5000,
        // Small frames (publishes, acks) must not wait for Nagle's algorithm: it costs ~40 ms each.
        noDelay: true,
      });
      const current = connection;
      coalesceWrites(current);
      current.on('error', (error: Error) => this.logger.warn({ err: error.message }, 'RabbitMQ connection error'));
      current.on('close', () => this.lost(current));
      current.on('blocked', (reason: string) => this.logger.warn({ reason }, 'RabbitMQ blocked the connection'));
      this.connection = current;
      if (this.stopped) throw new Error('stopped while connecting');
      await this.options.setup(current);
      if (this.connection !== current) throw new Error('connection lost during setup');
      this.up = true;
      if (this.attempt > 0) this.logger.info({ attempts: this.attempt }, 'reconnected to RabbitMQ');
      this.attempt = 0;
      return true;
    } catch (error) {
      if (!this.stopped) {
        this.logger.warn({ err: (error as Error).message }, 'cannot reach RabbitMQ');
      }
      if (connection) {
        this.lost(connection);
        await connection.close().catch(() => undefined);
      } else {
        this.scheduleReconnect();
      }
      return false;
    }
  }

  /** Called once per lost connection, whichever of close/restart/setup failure sees it first. */
  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    const wasUp = this.up;
    this.up = false;
    // Teardown also after a failed setup: channels it opened must be forgotten.
    this.options.teardown();
    if (wasUp) this.logger.warn('lost the RabbitMQ connection');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    const { initialDelayMs = 100, maxDelayMs = 5000 } = this.options;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }
}

/**
 * amqplib writes every frame (each publish, each ack) with its own socket write, one system call
 * each; under load that is most of the broker's CPU. Corking the socket until the end of the tick
 * sends all the frames of one tick in one writev. It reaches into amqplib's connection (`stream`),
 * so it does nothing if that ever changes.
 */
function coalesceWrites(model: ChannelModel): void {
  const socket = (model.connection as unknown as { stream?: unknown }).stream;
  if (!(socket instanceof Socket)) return;
  const write = socket.write;
  let corked = false;
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/** Heartbeats make a dead peer show up as a closed connection within seconds instead of never. */
function withHeartbeat(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '10');
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * Channels report their failures as events; an unheard 'error' event would crash the process.
 * An unexpected close means the channel is useless, so the whole connection is rebuilt.
 */
export function superviseChannel(channel: Channel, name: string, onUnexpectedClose: (reason: string) => void): void {
  let closing = false;
  const originalClose = channel.close.bind(channel);
  channel.close = async () => {
    closing = true;
    await originalClose();
  };
  channel.on('error', (error: Error) => log.warn({ component: 'amqp', channel: name, err: error.message }, 'channel error'));
  channel.on('close', () => {
    if (!closing) onUnexpectedClose(`channel ${name} closed`);
  });
}
