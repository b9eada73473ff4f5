import { badRequest } from './errors';

/** RFC 3986's unreserved characters: an escape of one of these means the character itself. */
const UNRESERVED = /[A-Za-z0-9\-_~]/;
/** Escapes that would change the path's structure once decoded somewhere downstream. */
const STRUCTURAL = new Set(['2F', '5C', '2E']);

/**
 * The one spelling of a request path that the gateway routes, limits and denies on, and that
 * services route: escapes of unreserved characters decoded (`%65` → `e`), other escapes in upper
 * case, repeated slashes merged, `.` and `..` segments resolved, no trailing slash. An encoded
 * `/`, `\` or `.`, a raw `\`, a control character, a malformed escape or a `..` above the root is
 * refused (400): no two layers may read such a path differently.
 */
export function canonicalPath(rawPath: string): string {
  if (!rawPath.startsWith('/')) throw badRequest('The request path must start with "/".');
  let decoded = '';
  for (let i = 0; i < rawPath.length; i++) {
    const char = rawPath[i];
    if (char === '%') {
      const hex = rawPath.slice(i + 1, i + 3).toUpperCase();
      if (!/^[0-9A-F]{2}$/.test(hex)) throw badRequest('The request path has a malformed percent-escape.');
      if (STRUCTURAL.has(hex)) throw badRequest('The request path may not encode "/", "\\" or ".".');
      const value = String.fromCharCode(parseInt(hex, 16));
      decoded += UNRESERVED.test(value) ? value : `%${hex}`;
      i += 2;
    } else if (char === '\\' || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) {
      throw badRequest('The request path has a character it may not carry.');
    } else decoded += char;
  }
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw badRequest('The request path climbs above the root.');
      segments.pop();
    } else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/** Splits a request target into its canonical path and its raw query (with the `?`, or ''). */
export function canonicalTarget(url: string): { path: string; search: string } {
  const mark = url.indexOf('?');
  return mark < 0 ? { path: canonicalPath(url), search: '' } : { path: canonicalPath(url.slice(0, mark)), search: url.slice(mark) };
}
