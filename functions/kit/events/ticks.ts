import type { Sequelize } from 'sequelize';
import type { ServiceDatabase } from '../database';
import { log } from '../log';

/**
 * Upkeep a service's database needs on the periodic tick whatever the service subscribes to
 * (removing uploads never confirmed, ...): a kit feature registers it for the database it uses,
 * and the event receiver runs it on every tick that service gets, after the outbox sweep. A
 * failure is logged and left to the next tick; it never fails the tick.
 */
interface TickHook {
  database: ServiceDatabase<unknown>;
  name: string;
  run(): Promise<unknown>;
}

const hooks: TickHook[] = [];

export function onTick(database: ServiceDatabase<unknown>, name: string, run: () => Promise<unknown>): void {
  hooks.push({ database, name, run });
}

export async function runTickHooks(sequelize: Sequelize): Promise<void> {
  for (const hook of hooks) {
    if (hook.database.sequelize !== sequelize) continue;
    await hook.run().catch((error) => log.error({ err: error, hook: hook.name }, 'periodic upkeep failed; the next tick tries again'));
  }
}
