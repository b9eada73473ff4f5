import { QueryTypes, Sequelize, type QueryInterface } from 'sequelize';
import { databaseUrl, envInt, isProduction } from './config';
import { log } from './log';
import { onShutdown } from './lifecycle';

/** A schema change, applied once and in name order; `down` undoes it. */
export interface Migration {
  name: string;
  up(queryInterface: QueryInterface, sequelize: Sequelize): Promise<void>;
  down?(queryInterface: QueryInterface, sequelize: Sequelize): Promise<void>;
}

/**
 * Reference data, written once per database; a `repeatable` seed runs at every start instead
 * (it must check what exists, like creating the first administrator when it is missing).
 */
export interface Seed {
  name: string;
  repeatable?: boolean;
  run(): Promise<void>;
}

export function connect(service: string): Sequelize {
  const sequelize = new Sequelize(databaseUrl(service), {
    dialect: 'mysql',
    logging: false,
    timezone: '+00:00',
    pool: { max: envInt('DATABASE_POOL_MAX', 10), min: 0, idle: 10_000, acquire: 10_000 },
    define: { underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    dialectOptions: { decimalNumbers: false, supportBigNumbers: true, bigNumberStrings: true },
  });
  onShutdown(() => sequelize.close());
  return sequelize;
}

/** Creates the service's database when it is missing (development and tests; a DBA does it in production). */
export async function ensureDatabase(service: string): Promise<void> {
  const url = new URL(databaseUrl(service));
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/';
  const server = new Sequelize(url.toString(), { dialect: 'mysql', logging: false });
  try {
    await server.query(`CREATE DATABASE IF NOT EXISTS \`${name.replace(/`/g, '')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await server.close();
  }
}

/**
 * Applies pending migrations, then pending seeds. A MySQL named lock makes it safe for
 * several replicas (or a migration Job and a replica) to start at once.
 */
export async function migrateAndSeed(service: string, migrations: Migration[], seeds: Seed[]): Promise<void> {
  // Loaded here only: a function serving requests never needs the migration library.
  const { Umzug, SequelizeStorage } = require('umzug') as typeof import('umzug');
  if (!isProduction()) await ensureDatabase(service);
  const sequelize = new Sequelize(databaseUrl(service), { dialect: 'mysql', logging: false, timezone: '+00:00', pool: { max: 2, idle: 600_000 } });
  try {
    await withLock(sequelize, `migrate:${service}`, async () => {
      const queryInterface = sequelize.getQueryInterface();
      const schema = new Umzug({
        migrations: migrations.map((m) => ({ name: m.name, up: () => m.up(queryInterface, sequelize), down: () => m.down?.(queryInterface, sequelize) ?? Promise.resolve() })),
        storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
        logger: undefined,
      });
      const applied = await schema.up();
      const data = new Umzug({
        migrations: seeds.filter((s) => !s.repeatable).map((s) => ({ name: s.name, up: () => s.run() })),
        storage: new SequelizeStorage({ sequelize, tableName: 'seeds_applied' }),
        logger: undefined,
      });
      const seeded = await data.up();
      for (const seed of seeds.filter((s) => s.repeatable)) await seed.run();
      if (applied.length || seeded.length) {
        log.info({ db_service: service, migrations: applied.map((m) => m.name), seeds: seeded.map((s) => s.name) }, 'database up to date');
      }
    });
  } finally {
    await sequelize.close();
  }
}

async function withLock<T>(sequelize: Sequelize, name: string, work: () => Promise<T>): Promise<T> {
  const [row] = await sequelize.query<{ locked: number }>('SELECT GET_LOCK(?, 60) AS locked', { replacements: [name], type: QueryTypes.SELECT });
  if (!row || Number(row.locked) !== 1) throw new Error(`could not take the migration lock ${name}`);
  try {
    return await work();
  } finally {
    await sequelize.query('SELECT RELEASE_LOCK(?)', { replacements: [name] });
  }
}

export async function databaseAnswers(sequelize: Sequelize): Promise<boolean> {
  try {
    await sequelize.query('SELECT 1', { type: QueryTypes.SELECT });
    return true;
  } catch {
    return false;
  }
}
