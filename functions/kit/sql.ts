import { createPool, type Connection, type Pool, type QueryError, type ResultSetHeader } from 'mysql2';
import { DatabaseError, ForeignKeyConstraintError, UniqueConstraintError, type Transaction } from 'sequelize';
import { databaseUrl, envInt } from './config';
import { onShutdown } from './lifecycle';

/**
 * Prepared statements for hot paths. Reads outside a transaction go through a mysql2 pool of
 * their own: Sequelize's connections decode every field through a type-cast callback (an object
 * and three closures per field, dates through moment), which costs more than the query itself
 * (auth's /me: 1.0-1.3 ms of CPU through findByPk with includes, 0.1 ms this way; bench/RESULTS.md).
 * Inside a transaction they run on its connection.
 */
type Param = string | number | boolean | null;

const readPools = new Map<string, Pool>();
function reads(service: string): Pool {
  let readPool = readPools.get(service);
  if (!readPool) {
    const pool = createPool({ uri: databaseUrl(service), connectionLimit: envInt('DATABASE_POOL_MAX', 10), timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false });
    pool.on('connection', (connection) => connection.query("SET time_zone = '+00:00'"));
    onShutdown(() => new Promise<void>((resolve) => pool.end(() => resolve())));
    readPools.set(service, (readPool = pool));
  }
  return readPool;
}

/** The errors Sequelize would have thrown, which the kit maps (duplicate 409, deadlock retried by the broker). */
function asSequelizeError(error: QueryError, sql: string): Error {
  const parent = Object.assign(error, { sql });
  if (error.code === 'ER_DUP_ENTRY') return new UniqueConstraintError({ parent, original: parent, sql } as never);
  if (error.code?.startsWith('ER_NO_REFERENCED_ROW') || error.code?.startsWith('ER_ROW_IS_REFERENCED')) return new ForeignKeyConstraintError({ parent } as never);
  return new DatabaseError(parent as never);
}

function execute<T>(on: Pool | Connection, sql: string, values: Param[]): Promise<T> {
  return new Promise((resolve, reject) =>
    (on as Pool).execute(sql, values, (error: QueryError | null, result: unknown) => (error ? reject(asSequelizeError(error, sql)) : resolve(result as T))));
}

/** Prepared statements on a service's database, on the connection of `transaction` when there is one. */
export function statements(service: string) {
  const run = <T>(sql: string, params: Param[] = [], transaction?: Transaction): Promise<T> =>
    execute<T>(transaction ? (transaction as unknown as { connection: Connection }).connection : reads(service), sql, params);
  return {
    run,
    select: <T>(sql: string, params: Param[] = [], transaction?: Transaction) => run<T[]>(sql, params, transaction),
    /** Rows an UPDATE or DELETE changed. */
    change: async (sql: string, params: Param[], transaction?: Transaction) => (await run<ResultSetHeader>(sql, params, transaction)).affectedRows,
  };
}

/** `?, ?, ?` for an IN list of `count` values (never empty: `NULL` matches nothing). */
export const placeholders = (count: number) => (count ? Array(count).fill('?').join(', ') : 'NULL');
