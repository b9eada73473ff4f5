/** Applies every service's migrations and seeds: `npm run db:migrate [service...]`. */
import { FUNCTION_NAMES, loadFunction, type FunctionName } from '../functions/catalog';
import { registeredServices } from '../functions/kit/registry';
import { migrationsOf } from '../functions/kit/service';
import { migrateAndSeed } from '../functions/kit/db';
import { runShutdownHooks } from '../functions/kit/lifecycle';

export async function migrateAll(only: string[] = []): Promise<string[]> {
  const wanted = FUNCTION_NAMES.filter((name) => only.length === 0 || only.includes(name));
  wanted.forEach((name: FunctionName) => loadFunction(name));
  const services = registeredServices().filter((s) => wanted.includes(s.name as FunctionName) && migrationsOf(s).length);
  for (const service of services) await migrateAndSeed(service.name, migrationsOf(service), service.seeds ?? []);
  return services.map((s) => s.name);
}

if (require.main === module) {
  migrateAll(process.argv.slice(2))
    .then(async (done) => {
      console.log(`migrated and seeded: ${done.join(', ') || 'nothing'}`);
      await runShutdownHooks();
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
