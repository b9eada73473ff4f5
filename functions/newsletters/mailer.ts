import Bottleneck from 'bottleneck';
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { env } from '../kit/config';
import { onShutdown } from '../kit/lifecycle';
import { connectRedis } from '../kit/redis';
import { settings } from './config';

/**
 * Every mail of this service goes through one pooled SMTP transport and one Bottleneck limiter:
 * at most NEWSLETTER_SEND_RATE mails a second, NEWSLETTER_SEND_CONCURRENCY at once, whatever
 * sends them (campaigns, confirmations, tests), so the provider is never flooded.
 */
let transport: Transporter<SMTPPool.SentMessageInfo> | undefined;
let limiter: Bottleneck | undefined;

function mailTransport() {
  if (!transport) {
    const smtp = settings.smtp();
    transport = nodemailer.createTransport({
      pool: true,
      maxConnections: settings.sendConcurrency(),
      maxMessages: Infinity,
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }
  return transport;
}

/**
 * The throttle's settings. With REDIS_URL, every replica of the service draws on one budget kept
 * in Redis (Bottleneck's clustering): the rate is what the provider was promised, not each
 * process's. Its keys expire after 5 idle minutes, so a changed rate applies once sending paused.
 */
export function throttleSettings(): Bottleneck.ConstructorOptions {
  const rate = settings.sendRatePerSecond();
  const local = { maxConcurrent: settings.sendConcurrency(), minTime: rate > 0 ? Math.ceil(1000 / rate) : 0 };
  if (!env('REDIS_URL')) return local;
  return {
    ...local,
    id: `${env('REDIS_KEY_PREFIX', '')}newsletters-send`,
    datastore: 'ioredis',
    connection: new Bottleneck.IORedisConnection({ client: connectRedis('newsletters send throttle') }),
    clearDatastore: false,
    timeout: 5 * 60_000,
  };
}

export function sendLimiter(): Bottleneck {
  limiter ??= new Bottleneck(throttleSettings());
  return limiter;
}

/** Sends now (the caller holds a limiter slot, or does not need one). */
export const sendNow = (message: Mail.Options) => mailTransport().sendMail({ from: settings.mailFrom(), ...message });

/** Sends within the throttle; a lower `priority` goes first (Bottleneck: 0-9, campaigns 5, confirmations 1). */
export const sendThrottled = (message: Mail.Options, priority = 5) => sendLimiter().schedule({ priority }, () => sendNow(message));

/** Drops the mails waiting for a slot (their promises reject) and waits for those being sent: the process is stopping. */
export async function dropWaitingMails(): Promise<void> {
  await limiter?.stop({ dropWaitingJobs: true });
  limiter = undefined;
}

/** Forgets the transport and limiter (their settings are read again at next use): tests and benchmarks. */
export async function resetMailer(): Promise<void> {
  transport?.close();
  transport = undefined;
  await limiter?.stop({ dropWaitingJobs: false });
  limiter = undefined;
}

onShutdown(() => transport?.close());

/**
 * What a failed send means for its recipient. `unavailable`: no SMTP server answered (nothing
 * was sent; wait for it). `retry`: the server refused this one for now (a 4xx reply, before the
 * message was taken). `permanent`: it refused for good (5xx). `unknown`: the connection broke
 * after the message data went out, so nobody knows whether the server kept it.
 */
export function failureKind(error: unknown): 'unavailable' | 'retry' | 'permanent' | 'unknown' {
  const { responseCode, code, originalCode, command } = error as { responseCode?: number; code?: string; originalCode?: string; command?: string };
  if (typeof responseCode === 'number' && responseCode >= 500) return 'permanent';
  if (typeof responseCode === 'number' && responseCode >= 400) return 'retry';
  if ((command && BEFORE_MESSAGE.test(command)) || [code, originalCode].some((c) => c && NO_SERVER.includes(c))) return 'unavailable';
  return 'unknown';
}

/** The SMTP steps before the message data goes out (nodemailer names the one that failed in `command`). */
const BEFORE_MESSAGE = /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH|MAIL FROM|RCPT TO)\b/i;
const NO_SERVER = ['ECONNECTION', 'ECONNREFUSED', 'EDNS', 'EAUTH', 'ETLS'];
