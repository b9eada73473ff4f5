import { unavailable } from './kit/errors';
import { registerService } from './kit/registry';

/** A service whose issue has not landed yet: healthy, and 503 on every route. */
export function registerStub(name: string): void {
  const notImplemented = () => {
    throw unavailable(`The ${name} service is not implemented yet.`);
  };
  registerService({
    name,
    title: `${name} (not implemented yet)`,
    description: `The ${name} service has not been built yet; every route answers 503.`,
    routes: (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((method) => ({
      method, path: '/*', summary: 'Not implemented yet', access: 'public' as const, handler: notImplemented,
    })),
  });
}
