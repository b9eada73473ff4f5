/**
 * A what-if for bench/RESULTS.md, run by auth-me-breakdown.ts: the auth function as it is, except
 * that `loadUser` (Sequelize findByPk with includes) is replaced by one prepared statement that
 * returns the same shape, on Sequelize's own pool (WHAT_IF_POOL=sequelize, the default) or on a
 * mysql2 pool of its own (WHAT_IF_POOL=mysql2). Swapped in from here: no code outside bench/
 * changes. Always serves auth, on PORT.
 */
import mysql, { type Connection, type RowDataPacket } from 'mysql2';
import { serve } from '../functions/host';
import { envInt } from '../functions/kit/config';
import { db } from '../functions/auth/database';
import { USER_WITH_GRANTS, poolOptions } from './user-sql';

interface SequelizePool {
  getConnection(options: { type: string }): Promise<Connection>;
  releaseConnection(connection: Connection): Promise<void>;
}

const ownPool = process.env.WHAT_IF_POOL === 'mysql2' ? mysql.createPool(poolOptions('auth')).promise() : undefined;

async function rowsOf(id: number): Promise<RowDataPacket[]> {
  if (ownPool) return (await ownPool.execute<RowDataPacket[]>(USER_WITH_GRANTS, [id]))[0];
  const pool = db.sequelize.connectionManager as unknown as SequelizePool;
  const connection = await pool.getConnection({ type: 'SELECT' });
  try {
    return await new Promise((resolve, reject) =>
      connection.execute<RowDataPacket[]>(USER_WITH_GRANTS, [id], (error, rows) => (error ? reject(error) : resolve(rows))),
    );
  } finally {
    await pool.releaseConnection(connection);
  }
}

async function loadUserPrepared(id: number) {
  const rows = await rowsOf(id);
  if (rows.length === 0) return null;
  const roles = new Map<string, Set<string>>();
  const direct = new Set<string>();
  for (const row of rows) {
    if (row.role && !roles.has(row.role)) roles.set(row.role, new Set());
    if (row.role && row.role_permission) roles.get(row.role)!.add(row.role_permission);
    if (row.permission) direct.add(row.permission);
  }
  const { id: userId, firstname, lastname, email, email_verified_at, created_at, updated_at } = rows[0];
  return {
    id: userId, firstname, lastname, email, email_verified_at, created_at, updated_at,
    roles: [...roles].map(([name, permissions]) => ({ name, permissions: [...permissions].map((p) => ({ name: p })) })),
    permissions: [...direct].map((name) => ({ name })),
  };
}

(require('../functions/auth/users') as { loadUser: unknown }).loadUser = loadUserPrepared;
serve('auth', envInt('PORT', 8080));
