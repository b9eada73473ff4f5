import { Op, type Transaction } from 'sequelize';
import { escapeLike, idParams, conflict, forbidden, invalid, listQuerySchema, notFound, paginate, reply, route, type Caller, type ListQuery } from '../../kit';
import { db, Permission, Role } from '../database';
import { ROLE_GRANTS } from '../seeds';
import { changeGrants, ensureHolds } from '../users';

const nameField = { type: 'string', minLength: 1, maxLength: 125, pattern: '^[a-z0-9][a-z0-9._-]*$' };
const namesField = { type: 'array', items: { type: ['string', 'integer'] }, maxItems: 100 };
const read = { permission: 'users.view' };
const write = { permission: 'users.update' };

type NamedBody = { name: string; description?: string | null; permissions?: Array<string | number> };

/** Permissions given by name or id; an unknown one is a 422 naming it. */
export async function permissionsNamed(refs: Array<string | number>, field = 'permissions', transaction?: Transaction): Promise<Permission[]> {
  const ids = refs.filter((r): r is number => typeof r === 'number');
  const names = refs.filter((r): r is string => typeof r === 'string');
  const found = await Permission.findAll({ where: { [Op.or]: [{ id: ids }, { name: names }] }, transaction });
  const missing = refs.filter((r) => !found.some((p) => p.id === r || p.name === r));
  if (missing.length) throw invalid({ [field]: [`Unknown permission(s): ${missing.join(', ')}.`] });
  return found;
}

const roleJson = (role: Role) => ({ ...role.toJSON(), permissions: (role.permissions ?? []).map((p) => p.name).sort() });

async function roleOr404(id: number, transaction?: Transaction) {
  const role = await Role.findByPk(id, { include: [{ model: Permission, as: 'permissions', through: { attributes: [] } }], transaction });
  if (!role) throw notFound('Role not found.');
  return role;
}

async function ensureNameFree(model: typeof Role | typeof Permission, name: string, exceptId?: number) {
  const taken = await model.findOne({ where: { name, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) } });
  if (taken) throw conflict(`The name "${name}" has already been taken.`);
}

/**
 * Whether giving `role` the set `wanted` changes it; the caller must hold every permission it adds
 * (adding grants them to every holder of the role).
 */
function ensureMaySet(caller: Caller, role: Role, wanted: Permission[]): boolean {
  const current = new Set((role.permissions ?? []).map((p) => p.name));
  const added = wanted.map((p) => p.name).filter((name) => !current.has(name));
  ensureHolds(caller, added, `these permissions to the role "${role.name}"`);
  return added.length > 0 || new Set(wanted.map((p) => p.name)).size !== current.size;
}

/** Sets a role's permissions; when that changes them, every token carrying the role is revoked. */
async function setRolePermissions(caller: Caller, role: Role, refs: Array<string | number>) {
  const permissions = await permissionsNamed(refs);
  if (ensureMaySet(caller, role, permissions)) {
    await changeGrants([{ role: role.name }], (transaction) => role.setPermissions(permissions, { transaction }));
  }
}

const listQuery = listQuerySchema(['name', 'created_at'], { search: { type: 'string', maxLength: 100 } });
const searchWhere = (search?: string) => (search ? { name: { [Op.like]: `%${escapeLike(search)}%` } } : {});

export const roleRoutes = [
  route<{}, ListQuery & { search?: string }>({
    method: 'GET', path: '/roles', summary: 'List roles with their permissions', access: read, query: listQuery,
    handler: async ({ query }) => {
      const page = await paginate(Role, query, { where: searchWhere(query.search), include: [{ model: Permission, as: 'permissions', through: { attributes: [] } }] });
      return { ...page, data: page.data.map(roleJson) };
    },
  }),
  route<{}, {}, NamedBody>({
    method: 'POST', path: '/roles', summary: 'Create a role', access: write,
    body: { type: 'object', required: ['name'], properties: { name: nameField, description: { type: ['string', 'null'], maxLength: 255 }, permissions: namesField } },
    handler: async ({ body, user }) => {
      await ensureNameFree(Role, body.name);
      const permissions = body.permissions ? await permissionsNamed(body.permissions) : [];
      ensureHolds(user, permissions.map((p) => p.name), 'these permissions to a role');
      const id = await db.sequelize.transaction(async (transaction) => {
        const role = await Role.create({ name: body.name, description: body.description ?? null }, { transaction });
        await role.setPermissions(permissions, { transaction });
        return role.id;
      });
      return reply.created(roleJson(await roleOr404(id)));
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/roles/:id', summary: 'One role with its permissions', access: read, params: idParams,
    handler: async ({ params }) => roleJson(await roleOr404(params.id)),
  }),
  route<{ id: number }, {}, Partial<NamedBody>>({
    method: 'PUT', path: '/roles/:id', summary: 'Update a role (partial); `permissions` replaces its set', access: write, params: idParams,
    body: { type: 'object', properties: { name: nameField, description: { type: ['string', 'null'], maxLength: 255 }, permissions: namesField } },
    handler: async ({ params, body, user }) => {
      const role = await roleOr404(params.id);
      const renamed = body.name !== undefined && body.name !== role.name;
      if (renamed) {
        // `customer` renamed would make every customer staff; registration and access rules use these names.
        if (role.name in ROLE_GRANTS) throw forbidden(`The role "${role.name}" is seeded and keeps its name.`);
        await ensureNameFree(Role, body.name!, role.id);
      }
      const permissions = body.permissions ? await permissionsNamed(body.permissions) : undefined;
      const newSet = permissions ? ensureMaySet(user, role, permissions) : false;
      const change = async (transaction: Transaction) => {
        await role.update({ name: body.name ?? role.name, description: body.description === undefined ? role.description : body.description }, { transaction });
        if (newSet) await role.setPermissions(permissions!, { transaction });
      };
      // Tokens carry role names and permissions: a rename or a new set revokes those carrying the role.
      if (renamed || newSet) await changeGrants([{ role: role.name }], change);
      else await db.sequelize.transaction(change);
      return roleJson(await roleOr404(role.id));
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/roles/:id', summary: 'Delete a role (never super-admin)', access: write, params: idParams,
    response: { status: 204 },
    handler: async ({ params }) => {
      const role = await roleOr404(params.id);
      if (role.name === 'super-admin') throw forbidden('The super-admin role cannot be deleted.');
      await changeGrants([{ role: role.name }], (transaction) => role.destroy({ transaction }));
      return reply.noContent();
    },
  }),
  route<{ id: number }, {}, { permissions: Array<string | number> }>({
    method: 'POST', path: '/roles/:id/permissions', summary: "Set a role's permissions (names or ids)", access: write, params: idParams,
    response: { status: 200 },
    body: { type: 'object', required: ['permissions'], properties: { permissions: namesField } },
    handler: async ({ params, body, user }) => {
      const role = await roleOr404(params.id);
      await setRolePermissions(user, role, body.permissions);
      return roleJson(await roleOr404(role.id));
    },
  }),
];

async function permissionOr404(id: number) {
  const permission = await Permission.findByPk(id);
  if (!permission) throw notFound('Permission not found.');
  return permission;
}

export const permissionRoutes = [
  route<{}, ListQuery & { search?: string }>({
    method: 'GET', path: '/permissions', summary: 'List permissions', access: read, query: listQuery,
    handler: ({ query }) => paginate(Permission, query, { where: searchWhere(query.search) }),
  }),
  route<{}, {}, NamedBody>({
    method: 'POST', path: '/permissions', summary: 'Create a permission', access: write,
    body: { type: 'object', required: ['name'], properties: { name: nameField, description: { type: ['string', 'null'], maxLength: 255 } } },
    handler: async ({ body }) => {
      await ensureNameFree(Permission, body.name);
      return reply.created(await Permission.create({ name: body.name, description: body.description ?? null }));
    },
  }),
  route<{ id: number }>({
    method: 'GET', path: '/permissions/:id', summary: 'One permission', access: read, params: idParams,
    handler: ({ params }) => permissionOr404(params.id),
  }),
  route<{ id: number }, {}, Partial<NamedBody>>({
    method: 'PUT', path: '/permissions/:id', summary: 'Update a permission (partial)', access: write, params: idParams,
    body: { type: 'object', properties: { name: nameField, description: { type: ['string', 'null'], maxLength: 255 } } },
    handler: async ({ params, body, user }) => {
      const permission = await permissionOr404(params.id);
      const changes = { name: body.name ?? permission.name, description: body.description === undefined ? permission.description : body.description };
      if (body.name === undefined || body.name === permission.name) return permission.update(changes);
      // A rename grants the new name to everyone who held the old one.
      ensureHolds(user, [permission.name, body.name], `the permission "${body.name}" by renaming "${permission.name}"`);
      await ensureNameFree(Permission, body.name, permission.id);
      return changeGrants([{ permission: permission.name }], (transaction) => permission.update(changes, { transaction }));
    },
  }),
  route<{ id: number }>({
    method: 'DELETE', path: '/permissions/:id', summary: 'Delete a permission', access: write, params: idParams,
    response: { status: 204 },
    handler: async ({ params }) => {
      const permission = await permissionOr404(params.id);
      await changeGrants([{ permission: permission.name }], (transaction) => permission.destroy({ transaction }));
      return reply.noContent();
    },
  }),
];
