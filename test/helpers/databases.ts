import { Sequelize } from 'sequelize';
import { databaseUrl } from '../../functions/kit/config';

/** Drops a service's database (as DATABASE_PREFIX names it now): the next migration starts a fresh installation. */
export async function dropDatabase(service: string): Promise<void> {
  const url = new URL(databaseUrl(service));
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/';
  const server = new Sequelize(url.toString(), { dialect: 'mysql', logging: false });
  try {
    await server.query(`DROP DATABASE IF EXISTS \`${name.replace(/`/g, '')}\``);
  } finally {
    await server.close();
  }
}
