import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryTypes } from 'sequelize';
import { createHttpFunction } from '../../functions/kit/service';
import { migrateAndSeed } from '../../functions/kit/db';
import { signToken } from '../../functions/kit/jwt';
import { addresses } from '../../functions/addresses';
import { db } from '../../functions/addresses/database';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';

const it = suite('addresses service');
let call: Call;
let close: () => Promise<void>;
const countries: Record<string, number> = {};
let regionsOf: (country: string) => Promise<Array<{ id: number; code: string; name: string }>>;

let lastUser = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
/** A fresh customer each time: earlier runs' rows never get in the way. */
function customer() {
  const id = ++lastUser;
  return { id, token: signToken({ id, email: `c${id}@example.com`, roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token };
}
const admin = signToken({ id: 1, email: 'admin@example.com', roles: ['super-admin'], permissions: [] }).token;
const manager = signToken({ id: 2, email: 'manager@example.com', roles: ['manager'], permissions: ['orders.view', 'orders.update'] }).token;

const paris = () => ({
  type: 'shipping', first_name: 'Marie', last_name: 'Curie', address_line_1: '11 rue Pierre et Marie Curie', city: 'Paris', postal_code: '75005', country_id: countries.FR,
});

async function create(token: string, body: Record<string, unknown>) {
  const res = await call('POST', '/addresses', { token, body });
  assert.is(res.status, 201, res.text);
  return res.body;
}

it.before(async () => {
  await migrateAndSeed('addresses', addresses.migrations!, addresses.seeds!);
  const served = await serveFunction(createHttpFunction(addresses));
  call = client(served.url);
  close = served.close;
  for (const country of (await call('GET', '/countries?per_page=100')).body.data) countries[country.code] = country.id;
  regionsOf = async (code) => (await call('GET', `/countries/${countries[code]}/regions?per_page=100`)).body.data;
});
it.after(() => close());

it('countries: public list with every EU country, ISO codes and phone codes; one country; its regions', async () => {
  const list = await call('GET', '/countries?per_page=100');
  assert.is(list.status, 200);
  assert.equal(Object.keys(list.body).sort(), ['current_page', 'data', 'last_page', 'per_page', 'total']);
  const eu = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE'];
  for (const code of [...eu, 'GB', 'CH', 'US']) assert.ok(countries[code], `${code} is seeded`);
  const france = await call('GET', `/countries/${countries.FR}`);
  assert.equal([france.body.name, france.body.code, france.body.iso3, france.body.phone_code, france.body.is_active], ['France', 'FR', 'FRA', '+33', true]);
  assert.is((await call('GET', '/countries?code=DE')).body.data[0].iso3, 'DEU');
  assert.is((await call('GET', '/countries?search=belg')).body.data[0].code, 'BE');
  const regions = await regionsOf('FR');
  assert.is(regions.length, 18, 'the 18 French régions');
  assert.ok(regions.some((r) => r.code === 'IDF' && r.name === 'Île-de-France'));
  assert.ok((await regionsOf('DE')).some((r) => r.code === 'BY'));
  assert.is((await call('GET', '/countries/999999/regions')).status, 404);
  assert.is((await call('GET', '/countries/999999')).status, 404);
  assert.is((await call('GET', '/countries/abc')).status, 422);
  assert.is((await call('GET', '/countries?sort=phone_code')).status, 422);
});

it('admin countries and regions: settings.update writes; codes unique (per country for regions)', async () => {
  const code = `Q${String.fromCharCode(65 + Math.floor(Math.random() * 26))}`;
  await db.sequelize.query('DELETE FROM regions WHERE country_id IN (SELECT id FROM countries WHERE code = ?)', { replacements: [code] });
  await db.sequelize.query('DELETE FROM countries WHERE code = ?', { replacements: [code] });
  const body = { name: 'Testland', code, iso3: 'QQQ', phone_code: '+999' };
  assert.is((await call('POST', '/admin/countries', { body })).status, 401);
  assert.is((await call('POST', '/admin/countries', { token: customer().token, body })).status, 403);
  assert.is((await call('POST', '/admin/countries', { token: admin, body: { ...body, code: 'fr' } })).status, 422);
  const created = await call('POST', '/admin/countries', { token: admin, body });
  assert.is(created.status, 201, created.text);
  assert.is((await call('POST', '/admin/countries', { token: admin, body })).status, 409);
  const region = await call('POST', '/admin/regions', { token: admin, body: { country_id: created.body.id, name: 'North', code: 'NO' } });
  assert.is(region.status, 201, region.text);
  assert.is((await call('POST', '/admin/regions', { token: admin, body: { country_id: created.body.id, name: 'North', code: 'N2' } })).status, 409, 'name unique in its country');
  assert.is((await call('POST', '/admin/regions', { token: admin, body: { country_id: countries.FR, name: 'North', code: 'NO' } })).status, 201, 'the same in another country is fine');
  assert.is((await call('POST', '/admin/regions', { token: admin, body: { country_id: 999999, name: 'X', code: 'X' } })).status, 422);
  assert.is((await call('PATCH', `/admin/regions/${region.body.id}`, { token: admin, body: { name: 'Northern' } })).body.name, 'Northern');
  const off = await call('PUT', `/admin/countries/${created.body.id}`, { token: admin, body: { is_active: false } });
  assert.equal([off.body.is_active, off.body.name], [false, 'Testland']);
  const user = customer();
  const refused = await call('POST', '/addresses', { token: user.token, body: { ...paris(), country_id: created.body.id, postal_code: '1' } });
  assert.equal([refused.status, Object.keys(refused.body.errors)], [422, ['country_id']], 'an inactive country cannot be chosen');
  await db.sequelize.query("DELETE FROM regions WHERE country_id = ? AND name = 'North'", { replacements: [countries.FR] });
  assert.is((await call('DELETE', `/admin/regions/${region.body.id}`, { token: admin })).status, 204);
  assert.is((await call('DELETE', `/admin/countries/${created.body.id}`, { token: admin })).status, 204);
  assert.is((await call('GET', `/countries/${created.body.id}`)).status, 404);
});

it('create: 201 with the AddressJson shape; the owner is the caller; the first of a type is the default', async () => {
  const user = customer();
  const idf = (await regionsOf('FR')).find((r) => r.code === 'IDF')!;
  const res = await call('POST', '/addresses', { token: user.token, body: { ...paris(), region_id: idf.id, company: '  ', phone: '+33 1 44 27 00 00', user_id: 42, is_default: false, id: 7 } });
  assert.is(res.status, 201, res.text);
  const a = res.body;
  for (const key of ['id', 'user_id', 'type', 'first_name', 'last_name', 'company', 'address_line_1', 'address_line_2', 'city', 'postal_code', 'region_id', 'region', 'country_id', 'country', 'phone', 'is_default', 'created_at', 'updated_at']) {
    assert.ok(key in a, `${key} is in the address`);
  }
  assert.is(a.user_id, user.id, 'a user_id in the body is ignored');
  assert.is.not(a.id, 7);
  assert.equal(a.region, { id: idf.id, name: 'Île-de-France', code: 'IDF' });
  assert.equal(a.country, { id: countries.FR, name: 'France', code: 'FR' });
  assert.is(a.company, null, 'an empty optional text is null');
  assert.is(a.is_default, false, 'is_default: false is honoured');
  const second = await create(user.token, paris());
  assert.is(second.is_default, true, 'a type with no default takes the new address as its default');
  const billing = await create(user.token, { ...paris(), type: 'billing' });
  assert.is(billing.is_default, true, 'the first billing address is the billing default');
  const another = await create(user.token, paris());
  assert.is(another.is_default, false);
  assert.is((await call('GET', `/addresses/${a.id}`, { token: user.token })).body.city, 'Paris');
});

it('postal codes are checked per country and stored in their written form (422 on postal_code)', async () => {
  const user = customer();
  const attempt = (country: string, postal_code: string) => call('POST', '/addresses', { token: user.token, body: { ...paris(), country_id: countries[country], postal_code } });
  const accepted: Array<[string, string, string]> = [
    ['FR', '75001', '75001'], ['DE', '10115', '10115'], ['BE', '1000', '1000'], ['LU', '1111', '1111'], ['AT', '1010', '1010'], ['DK', '1050', '1050'],
    ['NL', '1012ab', '1012 AB'], ['NL', '1012 AB', '1012 AB'], ['GB', 'sw1a1aa', 'SW1A 1AA'], ['GB', 'M1 1AE', 'M1 1AE'], ['ES', '28013', '28013'],
    ['IT', '00184', '00184'], ['PT', '1100-148', '1100-148'], ['US', '10001', '10001'], ['US', '10001-1234', '10001-1234'], ['SE', '11455', '114 55'],
    ['IE', 'D02 X285', 'D02 X285'],
  ];
  for (const [country, given, stored] of accepted) {
    const res = await attempt(country, given);
    assert.is(res.status, 201, `${country} ${given}: ${res.text}`);
    assert.is(res.body.postal_code, stored);
  }
  const refused: Array<[string, string]> = [
    ['FR', '7500'], ['FR', '750011'], ['FR', 'ABCDE'], ['DE', '1011'], ['BE', '10000'], ['LU', 'L-1111'], ['NL', '1012'], ['NL', '0123 AB'],
    ['GB', '12345'], ['ES', '99999'], ['PT', '1100148'], ['US', '1000'], ['IT', '0018'],
  ];
  for (const [country, given] of refused) {
    const res = await attempt(country, given);
    assert.is(res.status, 422, `${country} ${given} is refused`);
    assert.equal(Object.keys(res.body.errors), ['postal_code']);
    assert.match(res.body.errors.postal_code[0], /e\.g\./);
  }
});

it('the region must belong to the country, the country must exist (422 with the field)', async () => {
  const user = customer();
  const bavaria = (await regionsOf('DE')).find((r) => r.code === 'BY')!;
  const wrong = await call('POST', '/addresses', { token: user.token, body: { ...paris(), region_id: bavaria.id } });
  assert.equal([wrong.status, Object.keys(wrong.body.errors)], [422, ['region_id']]);
  assert.match(wrong.body.errors.region_id[0], /France/);
  const unknown = await call('POST', '/addresses', { token: user.token, body: { ...paris(), region_id: 99_999_999 } });
  assert.equal([unknown.status, Object.keys(unknown.body.errors)], [422, ['region_id']]);
  const noCountry = await call('POST', '/addresses', { token: user.token, body: { ...paris(), country_id: 99_999_999 } });
  assert.equal([noCountry.status, Object.keys(noCountry.body.errors)], [422, ['country_id']]);
  const ok = await call('POST', '/addresses', { token: user.token, body: { ...paris(), country_id: countries.DE, postal_code: '80331', city: 'München', region_id: bavaria.id } });
  assert.is(ok.status, 201, ok.text);
  assert.is(ok.body.region.code, 'BY');
});

it('update is partial (PUT and PATCH) and checks the resulting place', async () => {
  const user = customer();
  const idf = (await regionsOf('FR')).find((r) => r.code === 'IDF')!;
  const address = await create(user.token, { ...paris(), region_id: idf.id });
  const patched = await call('PATCH', `/addresses/${address.id}`, { token: user.token, body: { city: 'Paris 5e', user_id: 1 } });
  assert.is(patched.status, 200, patched.text);
  assert.equal([patched.body.city, patched.body.postal_code, patched.body.first_name, patched.body.user_id], ['Paris 5e', '75005', 'Marie', user.id]);
  const moved = await call('PUT', `/addresses/${address.id}`, { token: user.token, body: { country_id: countries.DE } });
  assert.is(moved.status, 422, 'a French region and postal code do not fit Germany');
  assert.equal(Object.keys(moved.body.errors).sort(), ['region_id']);
  const germany = await call('PUT', `/addresses/${address.id}`, { token: user.token, body: { country_id: countries.DE, region_id: null, postal_code: '10115', city: 'Berlin' } });
  assert.is(germany.status, 200, germany.text);
  assert.equal([germany.body.country.code, germany.body.region, germany.body.postal_code], ['DE', null, '10115']);
  const badPostal = await call('PATCH', `/addresses/${address.id}`, { token: user.token, body: { postal_code: '123' } });
  assert.equal([badPostal.status, Object.keys(badPostal.body.errors)], [422, ['postal_code']]);
  const blank = await call('PATCH', `/addresses/${address.id}`, { token: user.token, body: { first_name: '   ' } });
  assert.equal([blank.status, Object.keys(blank.body.errors)], [422, ['first_name']]);
});

it("someone else's address answers 404 on every route, staff included; lists hold only one's own", async () => {
  const owner = customer();
  const other = customer();
  const address = await create(owner.token, paris());
  for (const token of [other.token, manager, admin]) {
    assert.is((await call('GET', `/addresses/${address.id}`, { token })).status, 404);
    assert.is((await call('PUT', `/addresses/${address.id}`, { token, body: { city: 'Lyon' } })).status, 404);
    assert.is((await call('PATCH', `/addresses/${address.id}`, { token, body: { city: 'Lyon' } })).status, 404);
    assert.is((await call('POST', `/addresses/${address.id}/set-default`, { token })).status, 404);
    assert.is((await call('DELETE', `/addresses/${address.id}`, { token })).status, 404);
  }
  assert.is((await call('GET', '/addresses', { token: other.token })).body.total, 0);
  assert.is((await call('GET', '/addresses/type/shipping', { token: other.token })).body.total, 0);
  assert.is((await call('GET', `/addresses/${address.id}`, { token: owner.token })).body.city, 'Paris', 'nothing changed');
  assert.is((await call('GET', '/addresses')).status, 401);
  assert.is((await call('GET', `/addresses/${address.id}`, { token: 'not-a-token' })).status, 401);
});

it('one default per user and type: set-default and is_default switch it; types are independent', async () => {
  const user = customer();
  const first = await create(user.token, paris());
  const second = await create(user.token, paris());
  const billing = await create(user.token, { ...paris(), type: 'billing' });
  const defaults = async (type: string) => (await call('GET', `/addresses?type=${type}`, { token: user.token })).body.data.filter((a: { is_default: boolean }) => a.is_default).map((a: { id: number }) => a.id);
  assert.equal(await defaults('shipping'), [first.id]);
  const set = await call('POST', `/addresses/${second.id}/set-default`, { token: user.token });
  assert.equal([set.status, set.body.is_default], [200, true]);
  assert.equal(await defaults('shipping'), [second.id]);
  assert.equal(await defaults('billing'), [billing.id], 'the billing default did not move');
  const third = await create(user.token, { ...paris(), is_default: true });
  assert.equal(await defaults('shipping'), [third.id]);
  await call('PATCH', `/addresses/${first.id}`, { token: user.token, body: { is_default: true } });
  assert.equal(await defaults('shipping'), [first.id]);
  const list = await call('GET', '/addresses', { token: user.token });
  assert.is(list.body.data[0].is_default, true, 'defaults come first');
});

it('deleting or retyping the default hands it to the oldest remaining address of the type; deletes are soft', async () => {
  const user = customer();
  const first = await create(user.token, paris());
  const second = await create(user.token, paris());
  const third = await create(user.token, paris());
  assert.is((await call('DELETE', `/addresses/${first.id}`, { token: user.token })).status, 204);
  assert.is((await call('GET', `/addresses/${first.id}`, { token: user.token })).status, 404);
  assert.is((await call('GET', `/addresses/${second.id}`, { token: user.token })).body.is_default, true);
  const [row] = await db.sequelize.query<{ deleted_at: Date | null }>('SELECT deleted_at FROM addresses WHERE id = ?', { replacements: [first.id], type: QueryTypes.SELECT });
  assert.ok(row.deleted_at, 'the row is kept with deleted_at');
  const retyped = await call('PATCH', `/addresses/${second.id}`, { token: user.token, body: { type: 'billing' } });
  assert.equal([retyped.body.type, retyped.body.is_default], ['billing', true], 'it becomes the default of a type that had none');
  assert.is((await call('GET', `/addresses/${third.id}`, { token: user.token })).body.is_default, true);
  assert.is((await call('GET', '/addresses', { token: user.token })).body.total, 2);
});

it("/addresses/type/{type}: 'both' addresses serve as billing and shipping", async () => {
  const user = customer();
  await create(user.token, paris());
  await create(user.token, { ...paris(), type: 'billing' });
  await create(user.token, { ...paris(), type: 'both' });
  const types = async (type: string) => (await call('GET', `/addresses/type/${type}`, { token: user.token })).body.data.map((a: { type: string }) => a.type).sort();
  assert.equal(await types('shipping'), ['both', 'shipping']);
  assert.equal(await types('billing'), ['billing', 'both']);
  assert.equal(await types('both'), ['both']);
  assert.is((await call('GET', '/addresses/type/office', { token: user.token })).status, 422);
  assert.is((await call('GET', '/addresses?sort=-city&per_page=2', { token: user.token })).body.last_page, 2);
});

it('concurrent writes of one user never fail and never leave two defaults (or none) of a type', async () => {
  const user = customer();
  const created = await Promise.all(Array.from({ length: 8 }, () => call('POST', '/addresses', { token: user.token, body: paris() })));
  assert.ok(created.every((r) => r.status === 201), created.map((r) => r.text).join('\n'));
  const defaults = async (type: string) => (await call('GET', `/addresses?type=${type}`, { token: user.token })).body.data.filter((a: { is_default: boolean }) => a.is_default).length;
  assert.is(await defaults('shipping'), 1);
  const ids = created.map((r) => r.body.id as number);
  const mixed = await Promise.all(ids.flatMap((id, i) => [
    call('POST', `/addresses/${id}/set-default`, { token: user.token }),
    call('PATCH', `/addresses/${id}`, { token: user.token, body: i % 2 ? { is_default: true } : { type: 'billing' } }),
    ...(i % 3 === 0 ? [call('DELETE', `/addresses/${id}`, { token: user.token })] : []),
  ]));
  assert.ok(mixed.every((r) => r.status < 500), mixed.map((r) => r.text).join('\n'));
  assert.is(await defaults('shipping'), 1);
  assert.is(await defaults('billing'), 1);
});

it('bad input is a 4xx naming the fields, never a 5xx', async () => {
  const user = customer();
  const empty = await call('POST', '/addresses', { token: user.token, body: {} });
  assert.is(empty.status, 422);
  assert.equal(Object.keys(empty.body.errors).sort(), ['address_line_1', 'city', 'country_id', 'first_name', 'last_name', 'postal_code', 'type']);
  const wrong = await call('POST', '/addresses', { token: user.token, body: { ...paris(), type: 'office', phone: 'call me', latitude: 123, country_id: 'FR' } });
  assert.equal(Object.keys(wrong.body.errors).sort(), ['country_id', 'latitude', 'phone', 'type']);
  assert.is((await call('POST', '/addresses', { token: user.token, raw: '{"type":' })).status, 400);
  assert.is((await call('POST', '/addresses', { token: user.token, raw: '[1,2]' })).status, 422);
  assert.is((await call('GET', '/addresses/0', { token: user.token })).status, 422);
  assert.is((await call('GET', '/addresses/99999999999', { token: user.token })).status, 404);
  assert.is((await call('POST', '/addresses', { token: user.token, body: { ...paris(), first_name: 'x'.repeat(256) } })).status, 422);
  assert.is((await call('GET', '/addresses?per_page=1000', { token: user.token })).status, 422);
});

it('health reports the database', async () => {
  assert.equal((await call('GET', '/health')).body, { status: 'ok', service: 'addresses', database: 'up' });
});

it.run();
