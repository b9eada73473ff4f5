/**
 * What auth's `loadUser` asks Sequelize for (findByPk with roles → permissions and direct
 * permissions), as one prepared statement, and the folding of its rows into the user JSON.
 */
export { USER_WITH_GRANTS, userFromGrantRows as userFromRows, type GrantRow } from '../functions/auth/users';

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
