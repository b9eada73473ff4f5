import { createHash, timingSafeEqual } from 'node:crypto';
import { env } from './config';

/**
 * Credentials between the platform's own parts, all derived from one secret per installation
 * (`PLATFORM_SECRET`) as the hex SHA-256 of `<secret>:<purpose>`, which the Helm chart computes
 * with Sprig's `sha256sum` when it renders Triggers and Nginx's configuration:
 * - `deliver:<service>`: what the broker presents as the last segment of the subscriber path
 *   (`POST /events/<credential>`). eventing-rabbitmq's dispatcher can send no token of its own
 *   (it has no OIDC support), but it does call a Trigger's subscriber URI;
 * - `publish`: the bearer token the local broker's ingress requires of publishers;
 * - `proxy`: what Nginx and the gateway send (`X-Proxy-Token`) to vouch for the client address
 *   they put in `X-Real-IP`; without it that header is not believed. `PROXY_TOKEN` sets it
 *   outright (Compose, where nothing computes a hash for Nginx).
 */
const derived = new Map<string, string>();

/** Hashed once per secret and purpose: the proxy credential is checked on every request. */
const derive = (purpose: string): string | undefined => {
  const secret = env('PLATFORM_SECRET');
  if (!secret) return undefined;
  const input = `${secret}:${purpose}`;
  let credential = derived.get(input);
  if (credential === undefined) derived.set(input, (credential = createHash('sha256').update(input).digest('hex')));
  return credential;
};

/** The credential the broker presents when it delivers to `service`; undefined without a secret. */
export const deliveryCredential = (service: string) => derive(`deliver:${service}`);

/** The bearer token a function presents to the local broker's ingress. */
export const publishCredential = () => derive('publish');

/** What a trusted proxy in front of the gateway and the services sends in `X-Proxy-Token`. */
export const proxyCredential = () => env('PROXY_TOKEN') ?? derive('proxy');

/** Compares in constant time (over digests, so that lengths leak nothing either). */
export function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
