import type { Transaction } from 'sequelize';
import { notFound } from '../kit';
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

export const tokenSubject = (user: User) => ({ id: user.id, email: user.email, ...grantsOf(user) });
