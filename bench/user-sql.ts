/**
 * What auth's `loadUser` asks Sequelize for (findByPk with roles → permissions and direct
 * permissions), as one prepared statement, and the folding of its rows into the user JSON.
 */
export { USER_WITH_GRANTS } from '../functions/auth/users';

type Row = Record<string, any>;

export function userFromRows(rows: Row[]) {
  if (rows.length === 0) return undefined;
  const roles = new Set<string>();
  const permissions = new Set<string>();
  for (const row of rows) {
    if (row.role) roles.add(row.role);
    if (row.role_permission) permissions.add(row.role_permission);
    if (row.permission) permissions.add(row.permission);
  }
  const { id, firstname, lastname, email, email_verified_at, created_at, updated_at } = rows[0];
  return { id, firstname, lastname, email, email_verified_at, created_at, updated_at, roles: [...roles].sort(), permissions: [...permissions].sort() };
}

/** A mysql2 pool on a service's database, from DATABASE_URL and DATABASE_PREFIX like the kit. */
export function poolOptions(service: string) {
  const server = new URL(process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306');
  return {
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username),
    password: decodeURIComponent(server.password),
    database: `${process.env.DATABASE_PREFIX || 'ecommerce_'}${service}`,
    connectionLimit: 10, // auth's DATABASE_POOL_MAX
    timezone: 'Z',
  };
}
