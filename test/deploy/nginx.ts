/** gateway/nginx/default.conf.template, as the Compose, chart and local tests read it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/local-env';

export const NGINX_TEMPLATE = readFileSync(join(REPO_ROOT, 'gateway', 'nginx', 'default.conf.template'), 'utf8');

/** The template's directives: its comment lines dropped. */
export const nginxDirectives = NGINX_TEMPLATE.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');

/** The ${VARS} the template's directives use, each once, sorted. */
export const nginxTemplateVariables = [...new Set([...nginxDirectives.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();

/**
 * Whether an nginx image (`repository:1.30-alpine`, `...:1.27.4`) looks an upstream server's name
 * up again at run time (`server <name> resolve;`): open source Nginx does since 1.27.3. A tag
 * without a patch (`1.27-alpine`) counts as its first release.
 */
export function resolvesUpstreamNames(image: string): boolean {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?(?:-|$)/.exec(tag);
  if (!match) return false;
  const [major, minor, patch] = match.slice(1).map((part) => Number(part ?? 0));
  return major > 1 || (major === 1 && (minor > 27 || (minor === 27 && patch >= 3)));
}
