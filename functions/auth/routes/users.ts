import { Op, type Transaction } from 'sequelize';
import { idParams, escapeLike, emit, forbidden, invalid, isSuperAdmin, listQuerySchema, notFound, paginate, route, type ListQuery, type Request } from '../../kit';
import { db, Permission, Role, type User } from '../database';
import { changeGrants, ensureHolds, findUserOr404, grantsInclude, grantsOf, loadUser, userJson } from '../users';
import { USER_ROLES_CHANGED } from '../events';
import { permissionsNamed } from './grants';

const refsField = { type: 'array', items: { type: ['string', 'integer'] }, minItems: 1, maxItems: 50 };
const manage = { permission: 'users.update' };

/** `{ roles: [...] }`, or the older single `{ role }`. */
const rolesBody = { type: 'object', properties: { roles: refsField, role: { type: ['string', 'integer'] } } };
const permissionsBody = { type: 'object', properties: { permissions: refsField, permission: { type: ['string', 'integer'] } } };

function refsFrom(body: Record<string, unknown>, plural: string, singular: string): Array<string | number> {
  const refs = (body[plural] as Array<string | number> | undefined) ?? (body[singular] !== undefined ? [body[singular] as string | number] : []);
  if (!refs.length) throw invalid({ [plural]: [`The ${plural} field is required.`] });
  return refs;
}

async function rolesNamed(refs: Array<string | number>): Promise<Role[]> {
  const found = await Role.findAll({
    where: { [Op.or]: [{ id: refs.filter((r) => typeof r === 'number') }, { name: refs.filter((r) => typeof r === 'string') }] },
    include: [{ model: Permission, as: 'permissions', through: { attributes: [] } }],
  });
  const missing = refs.filter((r) => !found.some((role) => role.id === r || role.name === r));
  if (missing.length) throw invalid({ roles: [`Unknown role(s): ${missing.join(', ')}.`] });
  return found;
}

function guardSuperAdmin(req: Request<any, any, any>, roles: Role[]) {
  if (roles.some((r) => r.name === 'super-admin') && !isSuperAdmin(req.user)) {
    throw forbidden('Only a super-admin may grant or remove the super-admin role.');
  }
}

/**
 * Applies a change to a user's grants, emits roles-changed with the result and revokes the user's
 * live tokens (refresh, or signing in again, gives one carrying the new grants).
 */
async function changeUserGrants(user: User, change: (transaction: Transaction) => Promise<unknown>) {
  await changeGrants([{ sub: user.id }], async (transaction) => {
    await change(transaction);
    const updated = (await loadUser(user.id, transaction))!;
    await emit(transaction, USER_ROLES_CHANGED, user.id, { user_id: user.id, ...grantsOf(updated) });
  });
  return userJson(await findUserOr404(user.id));
}

export const userRoutes = [
  route<{}, ListQuery & { search?: string; role?: string }>({
    method: 'GET', path: '/users', summary: 'List users; search by name or e-mail, filter by role', access: { permission: 'users.view' },
    query: listQuerySchema(['firstname', 'lastname', 'email', 'created_at'], { search: { type: 'string', maxLength: 100 }, role: { type: 'string', maxLength: 125 } }),
    handler: async ({ query }) => {
      const like = query.search ? `%${escapeLike(query.search)}%` : undefined;
      const where = like ? { [Op.or]: [{ firstname: { [Op.like]: like } }, { lastname: { [Op.like]: like } }, { email: { [Op.like]: like } }] } : {};
      const ids = await paginate(db.models.User, query, {
        where,
        attributes: ['id'],
        include: query.role ? [{ model: Role, as: 'roles', where: { name: query.role }, attributes: [], through: { attributes: [] } }] : [],
      });
      const users = await db.models.User.findAll({ where: { id: ids.data.map((u) => u.id) }, include: grantsInclude() });
      const byId = new Map(users.map((u) => [u.id, u]));
      return { ...ids, data: ids.data.map((u) => userJson(byId.get(u.id)!)) };
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/users/:id', summary: 'One user with roles and permissions', access: { permission: 'users.view' }, params: idParams,
    handler: async ({ params }) => userJson(await findUserOr404(params.id)),
  }),
  route<{ id: number }, {}, Record<string, unknown>>({
    method: 'POST', path: '/users/:id/roles', summary: 'Give a user roles (names or ids)', access: manage, params: idParams, body: rolesBody,
    response: { status: 200 },
    handler: async (req) => {
      const user = await findUserOr404(req.params.id);
      const roles = await rolesNamed(refsFrom(req.body, 'roles', 'role'));
      guardSuperAdmin(req, roles);
      for (const role of roles) ensureHolds(req.user, (role.permissions ?? []).map((p) => p.name), `the role "${role.name}"`);
      return changeUserGrants(user, async (transaction) => {
        for (const role of roles) await user.addRole(role, { transaction });
      });
    },
  }),
  route<{ id: number; role: string }>({
    method: 'DELETE', path: '/users/:id/roles/:role', summary: 'Take a role (name or id) from a user', access: manage,
    params: { type: 'object', required: ['id', 'role'], properties: { id: { type: 'integer', minimum: 1 }, role: { type: 'string' } } },
    response: { status: 200 },
    handler: async (req) => {
      const user = await findUserOr404(req.params.id);
      const role = (user.roles ?? []).find((r) => r.name === req.params.role || String(r.id) === req.params.role);
      if (!role) throw notFound('The user does not have this role.');
      guardSuperAdmin(req, [role]);
      return changeUserGrants(user, (transaction) => user.removeRole(role, { transaction }));
    },
  }),
  route<{ id: number }, {}, Record<string, unknown>>({
    method: 'POST', path: '/users/:id/permissions', summary: 'Give a user permissions directly (names or ids)', access: manage, params: idParams, body: permissionsBody,
    response: { status: 200 },
    handler: async (req) => {
      const user = await findUserOr404(req.params.id);
      const permissions = await permissionsNamed(refsFrom(req.body, 'permissions', 'permission'));
      ensureHolds(req.user, permissions.map((p) => p.name), 'these permissions');
      return changeUserGrants(user, async (transaction) => {
        for (const permission of permissions) await user.addPermission(permission, { transaction });
      });
    },
  }),
  route<{ id: number; permission: string }>({
    method: 'DELETE', path: '/users/:id/permissions/:permission', summary: 'Take a direct permission (name or id) from a user', access: manage,
    params: { type: 'object', required: ['id', 'permission'], properties: { id: { type: 'integer', minimum: 1 }, permission: { type: 'string' } } },
    response: { status: 200 },
    handler: async (req) => {
      const user = await findUserOr404(req.params.id);
      const permission = (user.permissions ?? []).find((p: Permission) => p.name === req.params.permission || String(p.id) === req.params.permission);
      if (!permission) throw notFound('The user does not hold this permission directly.');
      return changeUserGrants(user, (transaction) => user.removePermission(permission, { transaction }));
    },
  }),
];
