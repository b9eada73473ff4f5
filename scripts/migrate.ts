/**
 * Applies every service's migrations and seeds: `npm run db:migrate [service...]`. A function
 * only a cluster runs (the dead-letter keeper) is migrated when named, or when its database is
 * configured (DATABASE_URL_<NAME>, as the chart's migration Job sets it).
 */
import { CLUSTER_FUNCTION_NAMES, FUNCTION_NAMES, loadFunction } from '../functions/catalog';
import { env } from '../functions/kit/config';
import { registeredServices } from '../functions/kit/registry';
import { migrationsOf } from '../functions/kit/service';
import { migrateAndSeed } from '../functions/kit/db';
import { runShutdownHooks } from '../functions/kit/lifecycle';

export async function migrateAll(only: string[] = []): Promise<string[]> {
  const wanted = [
    ...FUNCTION_NAMES.filter((name) => only.length === 0 || only.includes(name)),
    ...CLUSTER_FUNCTION_NAMES.filter((name) => only.includes(name) || (only.length === 0 && env(`DATABASE_URL_${name.toUpperCase()}`))),
  ];
  wanted.forEach((name) => loadFunction(name));
  const services = registeredServices().filter((s) => (wanted as string[]).includes(s.name) && migrationsOf(s).length);
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
