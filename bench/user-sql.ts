/**
 * What auth's `loadUser` asks Sequelize for (findByPk with roles → permissions and direct
 * permissions), as one prepared statement, and the folding of its rows into the user JSON.
 */
export const USER_WITH_GRANTS = `
  SELECT u.id, u.firstname, u.lastname, u.email, u.email_verified_at, u.created_at, u.updated_at,
         r.name AS role, rp_perm.name AS role_permission, up_perm.name AS permission
  FROM users u
  LEFT JOIN user_roles ur ON ur.user_id = u.id
  LEFT JOIN roles r ON r.id = ur.role_id
  LEFT JOIN role_permissions rp ON rp.role_id = r.id
  LEFT JOIN permissions rp_perm ON rp_perm.id = rp.permission_id
  LEFT JOIN user_permissions up ON up.user_id = u.id
  LEFT JOIN permissions up_perm ON up_perm.id = up.permission_id
  WHERE u.id = ? AND u.deleted_at IS NULL`;

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
