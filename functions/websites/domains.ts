import { domainToASCII } from 'node:url';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A host name in its stored form: trimmed, lower case, without a final dot, international names
 * in their ASCII (punycode) form; null when it is not a host name (a URL, an IP address, spaces...).
 */
export function normalizeDomain(input: string): string | null {
  const trimmed = input.trim().replace(/\.$/, '');
  if (!trimmed || /[/:@\s]/.test(trimmed)) return null;
  const ascii = domainToASCII(trimmed.toLowerCase());
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (!labels.every((label) => LABEL.test(label))) return null;
  if (/^\d+$/.test(labels[labels.length - 1])) return null; // 192.168.0.1 is an address, not a name
  return ascii;
}

/** The host a client asks the configuration for: as a domain, a `host:port` being accepted too. */
export const normalizeHost = (input: string) => normalizeDomain(input.trim().replace(/:\d{1,5}$/, ''));

/** `shop.example.com` is also served as `www.shop.example.com`, and the other way round. */
export const wwwVariant = (domain: string) => (domain.startsWith('www.') ? domain.slice(4) : `www.${domain}`);
