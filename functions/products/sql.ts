import { createPool, type Connection, type Pool, type QueryError, type ResultSetHeader } from 'mysql2';
import { DatabaseError, ForeignKeyConstraintError, UniqueConstraintError, type Transaction } from 'sequelize';
import { databaseUrl, envInt } from '../kit';
import { onShutdown } from '../kit/lifecycle';

/**
 * Prepared statements for the catalogue's reads and the stock writes. Reads outside a transaction
 * go through a mysql2 pool of their own: Sequelize's connections decode every field through a
 * type-cast callback (an object and three closures per field, dates through moment), which on a
 * page of products cost more than the query itself. Inside a transaction they run on its
 * connection.
 */
type Param = string | number | boolean | null;

let readPool: Pool | undefined;
function reads(): Pool {
  if (!readPool) {
    const pool = createPool({ uri: databaseUrl('products'), connectionLimit: envInt('DATABASE_POOL_MAX', 10), timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false });
    pool.on('connection', (connection) => connection.query("SET time_zone = '+00:00'"));
    onShutdown(() => new Promise<void>((resolve) => pool.end(() => resolve())));
    readPool = pool;
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

/** Runs one prepared statement, on the connection of `transaction` when there is one. */
export function run<T>(sql: string, params: Param[] = [], transaction?: Transaction): Promise<T> {
  return execute<T>(transaction ? (transaction as unknown as { connection: Connection }).connection : reads(), sql, params);
}

export const select = <T>(sql: string, params: Param[] = [], transaction?: Transaction) => run<T[]>(sql, params, transaction);

/** Rows an UPDATE or DELETE changed. */
export const change = async (sql: string, params: Param[], transaction: Transaction) => (await run<ResultSetHeader>(sql, params, transaction)).affectedRows;

/** `?, ?, ?` for an IN list of `count` values (never empty: `NULL` matches nothing). */
export const placeholders = (count: number) => (count ? Array(count).fill('?').join(', ') : 'NULL');
