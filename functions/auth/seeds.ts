import { env, log, type Seed } from '../kit';
import { hashPassword } from './passwords';
import { db } from './database';

export const PERMISSIONS = [
  'users.view', 'users.create', 'users.update', 'users.delete',
  'products.view', 'products.create', 'products.update', 'products.delete',
  'orders.view', 'orders.create', 'orders.update', 'orders.delete', 'orders.cancel',
  'support.view', 'support.respond', 'support.close',
  'reports.view', 'reports.export',
  'settings.view', 'settings.update',
];

const all = (prefix: string) => PERMISSIONS.filter((p) => p.startsWith(`${prefix}.`));

export const ROLE_GRANTS: Record<string, string[]> = {
  'super-admin': PERMISSIONS,
  admin: ['users.view', 'users.create', 'users.update', ...all('products'), 'orders.view', 'orders.create', 'orders.update', 'orders.cancel', ...all('support'), ...all('reports'), 'settings.view'],
  manager: ['products.view', 'products.create', 'products.update', 'orders.view', 'orders.update', 'reports.view'],
  support: ['orders.view', ...all('support'), 'users.view'],
  customer: ['products.view', 'orders.view', 'orders.create'],
  merchant: [...all('products'), 'orders.view', 'reports.view'],
};

async function seedRolesAndPermissions() {
  await db.sequelize.transaction(async (transaction) => {
    const { Role, Permission } = db.models;
    const now = new Date();
    await Permission.bulkCreate(PERMISSIONS.map((name) => ({ name, description: null, created_at: now, updated_at: now })), { ignoreDuplicates: true, transaction });
    const permissions = await Permission.findAll({ transaction });
    for (const [name, grants] of Object.entries(ROLE_GRANTS)) {
      const [role] = await Role.findOrCreate({ where: { name }, defaults: { name, description: null }, transaction });
      await role.setPermissions(permissions.filter((p) => grants.includes(p.name)), { transaction });
    }
  });
}

/** The first administrator, from ADMIN_EMAIL / ADMIN_PASSWORD: there is no other way to get one. */
async function seedAdministrator() {
  const email = env('ADMIN_EMAIL')?.toLowerCase();
  const password = env('ADMIN_PASSWORD');
  if (!email || !password) {
    log.warn('ADMIN_EMAIL and ADMIN_PASSWORD are not set: no administrator account was created');
    return;
  }
  const { User, Role } = db.models;
  if (await User.findOne({ where: { email }, paranoid: false })) return;
  const user = await User.create({ firstname: 'Super', lastname: 'Admin', email, password: await hashPassword(password), email_verified_at: new Date() });
  const role = await Role.findOne({ where: { name: 'super-admin' }, rejectOnEmpty: true });
  await user.addRole(role);
  log.info({ email }, 'administrator account created');
}

export const seeds: Seed[] = [
  { name: '001-roles-and-permissions', run: seedRolesAndPermissions },
  { name: 'administrator', repeatable: true, run: seedAdministrator },
];
