import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DataTypes, Model } from 'sequelize';
import { serviceDatabase } from '../../functions/kit/database';
import { migrateAndSeed } from '../../functions/kit/db';
import { crudRoutes } from '../../functions/kit/crud';
import { createHttpFunction } from '../../functions/kit/service';
import { fieldError } from '../../functions/kit/errors';
import { signToken } from '../../functions/kit/jwt';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';

class Brand extends Model {}
const db = serviceDatabase('crudtest', (sequelize) => {
  Brand.init({ id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }, name: DataTypes.STRING, website: DataTypes.STRING, country: DataTypes.STRING, created_at: DataTypes.DATE, updated_at: DataTypes.DATE, deleted_at: DataTypes.DATE }, { sequelize, tableName: 'brands', paranoid: true, deletedAt: 'deleted_at' });
  return { Brand };
});

const it = suite('kit: CRUD routes of a plain resource');
let call: Call;
let close: () => Promise<void>;
const admin = () => signToken({ id: 1, email: 'a@example.com', roles: ['merchant'], permissions: ['products.create', 'products.update', 'products.delete'] }).token;
const customer = () => signToken({ id: 2, email: 'c@example.com', roles: ['customer'], permissions: ['products.view'] }).token;

it.before(async () => {
  await migrateAndSeed('crudtest', [{
    name: '001-brands',
    up: (q) => q.createTable('brands', { id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true }, name: { type: DataTypes.STRING, unique: true }, website: DataTypes.STRING, country: DataTypes.STRING, created_at: DataTypes.DATE, updated_at: DataTypes.DATE, deleted_at: DataTypes.DATE }),
  }], []);
  await db.sequelize.query('DELETE FROM brands');
  const routes = crudRoutes({
    model: Brand, noun: 'brand', path: '/admin/brands', readPath: '/brands',
    access: { list: 'public', show: 'public', create: { permission: 'products.create' }, update: { permission: 'products.update' }, delete: { permission: 'products.delete' } },
    fields: { name: { type: 'string', minLength: 1, maxLength: 255 }, website: { type: ['string', 'null'], format: 'uri' }, country: { type: 'string', minLength: 2, maxLength: 2 } },
    required: ['name'], sortable: ['name', 'created_at'], searchable: ['name'], filters: { country: { type: 'string' } }, unique: ['name'],
    validate: async (values) => {
      if (values.name === 'forbidden') throw fieldError('name', 'That name is reserved.');
    },
  });
  // Nothing has touched db.models yet: making the function must define them (a fresh process's first request).
  const served = await serveFunction(createHttpFunction({ name: 'crudtest', title: 'crud', description: 'test', routes, database: db }));
  call = client(served.url);
  close = served.close;
});
it.after(() => close());

it('create answers 201 with the row; unknown fields are not stored', async () => {
  const res = await call('POST', '/admin/brands', { token: admin(), body: { name: 'Acme', country: 'FR', id: 999, deleted_at: '2020-01-01' } });
  assert.is(res.status, 201);
  assert.equal([res.body.name, res.body.country, res.body.deleted_at], ['Acme', 'FR', null]);
  assert.is.not(res.body.id, 999);
});

it('validation, uniqueness (409) and custom rules (422)', async () => {
  assert.is((await call('POST', '/admin/brands', { token: admin(), body: { website: 'not a url' } })).status, 422);
  assert.is((await call('POST', '/admin/brands', { token: admin(), body: { name: 'Acme' } })).status, 409);
  const reserved = await call('POST', '/admin/brands', { token: admin(), body: { name: 'forbidden' } });
  assert.equal([reserved.status, reserved.body.errors.name], [422, ['That name is reserved.']]);
});

it('permissions: reads are public, writes need the permission', async () => {
  assert.is((await call('POST', '/admin/brands', { token: customer(), body: { name: 'Nope' } })).status, 403);
  assert.is((await call('POST', '/admin/brands', { body: { name: 'Nope' } })).status, 401);
  assert.is((await call('GET', '/brands')).status, 200);
});

it('list: pagination, search, filter, sort; unknown sort 422', async () => {
  for (const name of ['Zeta', 'Beta', 'Gamma']) await call('POST', '/admin/brands', { token: admin(), body: { name, country: name === 'Beta' ? 'DE' : 'FR' } });
  const page = await call('GET', '/brands?per_page=2&sort=-name');
  assert.equal([page.body.total, page.body.last_page, page.body.data.map((b: { name: string }) => b.name)], [4, 2, ['Zeta', 'Gamma']]);
  assert.equal((await call('GET', '/brands?search=et')).body.data.map((b: { name: string }) => b.name).sort(), ['Beta', 'Zeta']);
  assert.equal((await call('GET', '/brands?country=DE')).body.data.map((b: { name: string }) => b.name), ['Beta']);
  assert.is((await call('GET', '/brands?sort=website')).status, 422);
  assert.is((await call('GET', '/brands?per_page=101')).status, 422);
});

it('update is partial (PUT and PATCH); delete hides the row (soft delete)', async () => {
  const created = (await call('POST', '/admin/brands', { token: admin(), body: { name: 'Old', country: 'IT' } })).body;
  const updated = await call('PATCH', `/admin/brands/${created.id}`, { token: admin(), body: { name: 'New' } });
  assert.equal([updated.body.name, updated.body.country], ['New', 'IT']);
  assert.is((await call('PUT', `/admin/brands/${created.id}`, { token: admin(), body: { name: 'Zeta' } })).status, 409);
  assert.is((await call('DELETE', `/admin/brands/${created.id}`, { token: admin() })).status, 204);
  assert.is((await call('GET', `/brands/${created.id}`)).status, 404);
  assert.is((await call('DELETE', `/admin/brands/${created.id}`, { token: admin() })).status, 404);
});

it.run();
