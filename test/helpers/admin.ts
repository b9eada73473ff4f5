import type { ServiceDefinition } from '../../functions/kit';
import { withPatchAliases } from '../../functions/kit/route';
import type { Call } from './http';

/**
 * Calls every `/admin/...` route a service declares (PATCH aliases included, `:params` as 1) with
 * `token`, and answers the routes that did not answer `status`: [] when all did.
 */
export async function adminRoutesNotAnswering(service: ServiceDefinition, call: Call, token: string, status: number): Promise<string[]> {
  const routes = withPatchAliases(service.routes).filter((r) => r.path.startsWith('/admin/'));
  if (routes.length < 3) throw new Error(`${service.name} declares only ${routes.length} /admin routes`);
  const others: string[] = [];
  for (const r of routes) {
    const answer = await call(r.method, r.path.replace(/:\w+/g, '1'), { token, body: r.body ? {} : undefined });
    if (answer.status !== status) others.push(`${r.method} ${r.path}: ${answer.status}`);
  }
  return others;
}
