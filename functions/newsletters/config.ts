import { env, envInt } from '../kit';

/** Every setting of the newsletters service, read when used (tests and the local runtime set them late). */
export const settings = {
  smtp: () => ({
    host: env('SMTP_HOST', '127.0.0.1'),
    port: envInt('SMTP_PORT', 2525),
    /** Implicit TLS (port 465); otherwise STARTTLS is used when the server offers it. */
    secure: env('SMTP_SECURE', 'false') === 'true',
    user: env('SMTP_USER'),
    password: env('SMTP_PASSWORD'),
  }),
  /** The From of every mail. */
  mailFrom: () => env('MAIL_FROM', 'Newsletter <newsletter@example.com>'),
  /** Where clients reach this service (links in mails): `https://shop.example.com/api/v1/newsletters`. */
  publicUrl: () => env('NEWSLETTERS_PUBLIC_URL', `http://127.0.0.1:${8080 + envInt('PORT_OFFSET', 0)}/api/v1/newsletters`).replace(/\/$/, ''),
  /** The mailbox of the `mailto:` List-Unsubscribe (RFC 2369). */
  unsubscribeMailbox: () => env('NEWSLETTERS_UNSUBSCRIBE_MAILTO', 'unsubscribe@example.com'),
  /** Campaign mails per second (0: no limit) and SMTP sends at once. */
  sendRatePerSecond: () => envInt('NEWSLETTER_SEND_RATE', 10),
  sendConcurrency: () => Math.max(1, envInt('NEWSLETTER_SEND_CONCURRENCY', 5)),
  /** How long a sender's hold on a campaign lasts without renewal: after a crash, the wait before another process resumes. */
  leaseSeconds: () => Math.max(1, envInt('NEWSLETTER_LEASE_SECONDS', 30)),
  /** The HMAC-SHA256 secret of the delivery webhooks; without it every webhook is refused. */
  webhookSecret: () => env('EMAIL_WEBHOOK_SECRET'),
  /** How old a webhook's timestamp may be (either way), in seconds. */
  webhookToleranceSeconds: () => envInt('EMAIL_WEBHOOK_TOLERANCE_SECONDS', 300),
};

/** Bounces after which a subscriber is marked bounced. */
export const BOUNCE_LIMIT = 3;
/** A pending subscriber who subscribes again gets a new confirmation mail at most this often. */
export const CONFIRMATION_RESEND_MS = 5 * 60_000;
