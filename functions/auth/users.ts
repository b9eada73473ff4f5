import type { Transaction } from 'sequelize';
import { forbidden, hasPermission, log, notFound, revokeTokensBefore, statements, type Caller, type RevocationTarget } from '../kit';
import { db, Permission, Role, type User } from './database';

/** A user with their roles and the permissions they hold directly or through a role. */
export async function loadUser(id: number, transaction?: Transaction): Promise<User | null> {
  return db.models.User.findByPk(id, { include: grantsInclude(), transaction });
}

export async function findUserOr404(id: number): Promise<User> {
  const user = await loadUser(id);
  if (!user) throw notFound('User not found.');
  return user;
}

export const grantsInclude = () => [
  { model: Role, as: 'roles', through: { attributes: [] }, include: [{ model: Permission, as: 'permissions', through: { attributes: [] } }] },
  { model: Permission, as: 'permissions', through: { attributes: [] } },
];

export function grantsOf(user: User) {
  const roles = (user.roles ?? []).map((r) => r.name).sort();
  const permissions = new Set<string>((user.permissions ?? []).map((p) => p.name));
  for (const role of user.roles ?? []) for (const p of role.permissions ?? []) permissions.add(p.name);
  return { roles, permissions: [...permissions].sort() };
}

/** The user as clients see it (no password), with role and permission names. */
export function userJson(user: User) {
  return {
    id: user.id,
    firstname: user.firstname,
    lastname: user.lastname,
    email: user.email,
    email_verified_at: user.email_verified_at,
    created_at: user.created_at,
    updated_at: user.updated_at,
    ...grantsOf(user),
  };
}

/**
 * Granting requires holding: 403 naming what the caller lacks. A super-admin holds everything;
 * anyone else may grant (directly, through a role, or by adding to a role) only what it holds.
 */
export function ensureHolds(caller: Caller, permissions: Iterable<string>, what: string): void {
  const lacking = [...new Set(permissions)].filter((p) => !hasPermission(caller, p)).sort();
  if (lacking.length) throw forbidden(`You cannot grant ${what}: you do not hold ${lacking.join(', ')}.`);
}

/**
 * Runs a change of grants in one transaction and revokes the live tokens of `targets` (users, or
 * everyone carrying a role or permission) twice: before it commits (Redis down: nothing changes,
 * 503) and once it has (a token whose grants were read between the two is refused too). Tokens
 * issued afterwards carry the new grants and pass.
 */
export async function changeGrants<T>(targets: RevocationTarget[], change: (transaction: Transaction) => Promise<T>): Promise<T> {
  const result = await db.sequelize.transaction(async (transaction) => {
    const value = await change(transaction);
    await revokeTokensBefore(targets);
    return value;
  });
  await revokeTokensBefore(targets).catch((error) => log.error({ err: error, targets }, 'the revocation after a change of grants failed'));
  return result;
}

export const tokenSubject = (user: User) => ({ id: user.id, email: user.email, ...grantsOf(user) });

const { select } = statements('auth');

/** The user and every role and permission name in one prepared statement: the hot path of /me. */
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

export interface GrantRow {
  id: number; firstname: string; lastname: string; email: string; email_verified_at: Date | null; created_at: Date; updated_at: Date;
  role: string | null; role_permission: string | null; permission: string | null;
}

/** What `userJson(await loadUser(id))` answers, without Sequelize's per-field cost. */
export async function userJsonById(id: number): Promise<ReturnType<typeof userJson> | undefined> {
  return userFromGrantRows(await select<GrantRow>(USER_WITH_GRANTS, [id]));
}

/** Folds USER_WITH_GRANTS's rows (one per role × permission) into the user JSON. */
export function userFromGrantRows(rows: GrantRow[]): ReturnType<typeof userJson> | undefined {
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
