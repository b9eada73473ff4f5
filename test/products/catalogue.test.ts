import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EVENTS } from '../../functions/contracts/commerce';
import { db } from '../../functions/products/database';
import type { Call } from '../helpers/http';
import { createProduct, createThing, outbox, startProducts, tokens, uniqueRef } from './fixture';

/** The catalogue through HTTP: reference data, products, lists, access, validation, events. */
const it = suite('products: catalogue');
let call: Call;
let close: () => Promise<void>;

it.before(async () => {
  ({ call, close } = await startProducts());
});
it.after(() => close());

const names = (res: { body: { data: Array<{ name: string }> } }) => res.body.data.map((p) => p.name);
const merchant = () => tokens.merchant();

it('reference data is seeded: VAT rates as strings, types with their VAT, categories with sub-categories', async () => {
  const vat = await call('GET', '/vat?per_page=4');
  assert.equal(vat.body.data.map((v: { name: string; rate: string }) => [v.name, v.rate]), [['Normal', '20.00'], ['Intermédiaire', '10.00'], ['Réduit', '5.50'], ['Super-réduit', '2.10']]);
  const types = await call('GET', '/types?search=Livre');
  assert.is(types.body.data[0].vat.rate, '5.50');
  const tree = await call('GET', '/categories?tree=1');
  const electronics = tree.body.data.find((c: { name: string }) => c.name === 'Électronique');
  assert.equal(electronics.children.map((c: { name: string }) => c.name), ['Ordinateurs', 'Téléphones']);
  const page = await call('GET', '/categories?per_page=2');
  assert.equal([page.body.per_page, page.body.data.length, page.body.current_page], [2, 2, 1], 'without tree: a page');
});

it('reference CRUD: partial update, soft delete hidden, VAT rate bounds, a used VAT cannot go (409)', async () => {
  const brand = await createThing(call, '/admin/brands', { name: 'Acme', website: 'https://acme.example', extra: 'ignored' });
  assert.not.ok('extra' in brand);
  const renamed = await call('PATCH', `/admin/brands/${brand.id}`, { token: merchant(), body: { name: 'Acme Corp' } });
  assert.equal([renamed.status, renamed.body.name, renamed.body.website], [200, 'Acme Corp', 'https://acme.example']);
  assert.is((await call('DELETE', `/admin/brands/${brand.id}`, { token: merchant() })).status, 204);
  assert.is((await call('GET', `/brands/${brand.id}`)).status, 404);
  assert.not.ok((await call('GET', '/brands?per_page=100')).body.data.some((b: { id: number }) => b.id === brand.id));

  assert.is((await call('POST', '/admin/vat', { token: merchant(), body: { name: 'Too much', rate: '100.01' } })).status, 422);
  assert.is((await call('POST', '/admin/vat', { token: merchant(), body: { name: 'Negative', rate: '-1' } })).status, 422);
  const vat = await createThing(call, '/admin/vat', { name: 'Test rate', rate: 7 });
  assert.is(vat.rate, '7.00');
  assert.is((await call('POST', '/admin/types', { token: merchant(), body: { name: 'Orphan', vat_id: 99999 } })).status, 422);
  const type = await createThing(call, '/admin/types', { name: 'Test type', vat_id: vat.id });
  assert.is((await call('DELETE', `/admin/vat/${vat.id}`, { token: merchant() })).status, 409);
  assert.is((await call('DELETE', `/admin/types/${type.id}`, { token: merchant() })).status, 204);
  assert.is((await call('DELETE', `/admin/vat/${vat.id}`, { token: merchant() })).status, 204);
});

it('a category (or catalog) cannot be its own ancestor (422); one with sub-categories cannot be deleted (409)', async () => {
  const a = await createThing(call, '/admin/categories', { name: 'A' });
  const b = await createThing(call, '/admin/categories', { name: 'B', parent_id: a.id });
  const c = await createThing(call, '/admin/categories', { name: 'C', parent_id: b.id });
  for (const parent of [a.id, c.id, b.id]) {
    const res = await call('PUT', `/admin/categories/${a.id}`, { token: merchant(), body: { parent_id: parent } });
    assert.is(res.status, 422, `A under ${parent}`);
    assert.match(res.body.errors.parent_id[0], /own ancestor/);
  }
  assert.is((await call('PUT', `/admin/categories/${a.id}`, { token: merchant(), body: { parent_id: 999999 } })).status, 422);
  assert.is((await call('PUT', `/admin/categories/${c.id}`, { token: merchant(), body: { parent_id: a.id } })).status, 200, 'moving elsewhere is fine');
  assert.is((await call('DELETE', `/admin/categories/${a.id}`, { token: merchant() })).status, 409);

  const x = await createThing(call, '/admin/catalogs', { name: 'X' });
  const y = await createThing(call, '/admin/catalogs', { name: 'Y', parent_id: x.id });
  assert.is((await call('PATCH', `/admin/catalogs/${x.id}`, { token: merchant(), body: { parent_id: y.id } })).status, 422);
});

it('permissions: reads are public; writes need a token (401) with the permission (403)', async () => {
  const body = { name: 'Nope', ref: uniqueRef(), price_ht: '1.00', stock: 1 };
  assert.is((await call('POST', '/admin/products', { body })).status, 401);
  assert.is((await call('POST', '/admin/products', { token: tokens.customer(), body })).status, 403);
  assert.is((await call('POST', '/admin/brands', { token: tokens.customer(), body: { name: 'Nope' } })).status, 403);
  assert.is((await call('GET', '/admin/products', { token: tokens.customer() })).status, 403);
  const made = await call('POST', '/admin/products', { token: tokens.manager(), body });
  assert.is(made.status, 201, 'a manager creates');
  assert.is((await call('DELETE', `/admin/products/${made.body.id}`, { token: tokens.manager() })).status, 403, 'but may not delete');
  assert.is((await call('DELETE', `/admin/products/${made.body.id}`)).status, 401);
  assert.is((await call('GET', '/products')).status, 200);
  assert.is((await call('GET', '/products', { token: 'not-a-token' })).status, 200, 'a bad token on a public route is ignored');
});

it('create: 201 with prices as strings, VAT from the first type, brand, links; client-only fields ignored', async () => {
  const product = await createProduct(call, {
    name: 'Kettle', description: 'Boils water', price_ht: 19.9, stock: 12, brand_id: 1,
    type_ids: [4, 2, 2], category_ids: [5], catalog_ids: [1], reserved: 5, id: 999999, deleted_at: '2020-01-01',
  });
  assert.equal(
    [product.price_ht, product.vat_rate, product.price_ttc, product.stock, product.reserved, product.available, product.is_active],
    ['19.90', '10.00', '21.89', 12, 0, 12, true],
    'type 2 (Restauration, 10 %) comes before type 4: 19.90 + 1.99 = 21.89',
  );
  assert.is.not(product.id, 999999);
  assert.equal(product.brand, { id: 1, name: 'Générique', website: null });
  assert.equal(product.types.map((t: { id: number }) => t.id), [2, 4]);
  assert.equal(product.types[0].vat, { id: 2, name: 'Intermédiaire', rate: '10.00' });
  assert.equal(product.categories, [{ id: 5, name: 'Cuisine', parent_id: 4 }]);
  assert.equal(product.catalogs.map((c: { id: number }) => c.id), [1]);
  assert.equal([product.images, product.attributes, product.characteristics, product.main_image_url], [[], [], [], null]);
  const plain = await createProduct(call, { price_ht: '10.00' });
  assert.equal([plain.vat_rate, plain.price_ttc], ['20.00', '12.00'], 'no type: the default rate');
  const halfUp = await createProduct(call, { price_ht: '0.05', type_ids: [3] });
  assert.is(halfUp.price_ttc, '0.05', '0.05 × 5.5 % = 0.00275 → 0.00');
  assert.is((await createProduct(call, { price_ht: '0.10', type_ids: [3] })).price_ttc, '0.11', '0.10 × 5.5 % = 0.0055 → 0.01 (half-up)');
});

it('bad input answers 422 by field, never 500; a taken ref 409 (free again once the product is deleted)', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ price_ht: '-1.00' }, 'price_ht'], [{ price_ht: 'abc' }, 'price_ht'], [{ price_ht: '1.999' }, 'price_ht'], [{ price_ht: 1e12 }, 'price_ht'],
    [{ stock: -1 }, 'stock'], [{ stock: 1.5 }, 'stock'], [{ stock: 'many' }, 'stock'], [{ name: '' }, 'name'], [{ name: 'x'.repeat(256) }, 'name'],
    [{ ref: 'r'.repeat(101) }, 'ref'], [{ type_ids: [999999] }, 'type_ids'], [{ category_ids: ['x'] }, 'category_ids.0'],
    [{ brand_id: 999999 }, 'brand_id'], [{ is_active: 'perhaps' }, 'is_active'],
  ];
  for (const [fields, field] of cases) {
    const res = await call('POST', '/admin/products', { token: merchant(), body: { name: 'Bad', ref: uniqueRef(), price_ht: '1.00', stock: 1, ...fields } });
    assert.is(res.status, 422, `${JSON.stringify(fields)}: ${res.text}`);
    assert.ok(res.body.errors[field], `${JSON.stringify(fields)} names ${field}: ${res.text}`);
  }
  const missing = await call('POST', '/admin/products', { token: merchant(), body: {} });
  assert.equal(Object.keys(missing.body.errors).sort(), ['name', 'price_ht', 'ref', 'stock']);
  assert.is((await call('POST', '/admin/products', { token: merchant(), raw: '[1,2]' })).status, 422);
  assert.is((await call('POST', '/admin/products', { token: merchant(), raw: '{"name":' })).status, 400);
  assert.is((await call('GET', '/products/abc')).status, 422);
  assert.is((await call('GET', '/products?min_price=cheap')).status, 422);

  const first = await createProduct(call);
  const again = await call('POST', '/admin/products', { token: merchant(), body: { name: 'Twin', ref: first.ref, price_ht: '1.00', stock: 1 } });
  assert.is(again.status, 409);
  const other = await createProduct(call);
  assert.is((await call('PUT', `/admin/products/${other.id}`, { token: merchant(), body: { ref: first.ref } })).status, 409);
  assert.is((await call('DELETE', `/admin/products/${first.id}`, { token: merchant() })).status, 204);
  assert.is((await call('POST', '/admin/products', { token: merchant(), body: { name: 'Heir', ref: first.ref, price_ht: '1.00', stock: 1 } })).status, 201);
});

it('update is partial (PUT and PATCH); links are replaced only when sent; delete hides the product everywhere', async () => {
  const product = await createProduct(call, { name: 'Lamp', category_ids: [2], type_ids: [1] });
  const patched = await call('PATCH', `/admin/products/${product.id}`, { token: merchant(), body: { price_ht: '25.5' } });
  assert.equal([patched.status, patched.body.name, patched.body.price_ht, patched.body.categories.length], [200, 'Lamp', '25.50', 1]);
  const put = await call('PUT', `/admin/products/${product.id}`, { token: merchant(), body: { category_ids: [], description: null } });
  assert.equal([put.body.categories, put.body.types.length, put.body.description], [[], 1, null]);
  assert.is((await call('PUT', '/admin/products/999999', { token: merchant(), body: { name: 'Ghost' } })).status, 404);
  assert.is((await call('DELETE', `/admin/products/${product.id}`, { token: merchant() })).status, 204);
  assert.is((await call('DELETE', `/admin/products/${product.id}`, { token: merchant() })).status, 404);
  assert.is((await call('GET', `/products/${product.id}`)).status, 404);
  assert.is((await call('GET', `/admin/products/${product.id}`, { token: merchant() })).status, 404);
  assert.is((await call('PATCH', `/admin/products/${product.id}`, { token: merchant(), body: { name: 'Back' } })).status, 404);
  assert.not.ok((await call('GET', `/products?search=${encodeURIComponent(product.ref)}`)).body.data.length);
});

it('events: product.created / updated / deleted with the snapshot baskets keeps', async () => {
  const product = await createProduct(call, { name: 'Evented', price_ht: '8.00', type_ids: [3], stock: 4 });
  await call('PATCH', `/admin/products/${product.id}`, { token: merchant(), body: { price_ht: '9.00', stock: 6 } });
  await call('DELETE', `/admin/products/${product.id}`, { token: merchant() });
  const events = await outbox({ subject: product.id });
  assert.equal(events.map((e) => e.type), [EVENTS.productCreated, EVENTS.productUpdated, EVENTS.stockChanged, EVENTS.productDeleted]);
  assert.equal(events[0].data, { id: product.id, name: 'Evented', ref: product.ref, price_ht: '8.00', vat_rate: '5.50', stock: 4, reserved: 0, available: 4, is_active: true });
  assert.equal([events[1].data.price_ht, events[1].data.stock], ['9.00', 6]);
  assert.equal(events[2].data, { product_id: product.id, stock: 6, reserved: 0, available: 6 });
  assert.equal(events[3].data, { id: product.id });
});

it("a type's new VAT, or a VAT's new rate, reprices its products and tells baskets (product.updated)", async () => {
  const vat = await createThing(call, '/admin/vat', { name: 'Movable', rate: '10.00' });
  const type = await createThing(call, '/admin/types', { name: 'Movable type', vat_id: vat.id });
  const product = await createProduct(call, { price_ht: '100.00', type_ids: [type.id] });
  assert.is(product.price_ttc, '110.00');
  await call('PATCH', `/admin/vat/${vat.id}`, { token: merchant(), body: { rate: '15.00' } });
  assert.is((await call('GET', `/products/${product.id}`)).body.price_ttc, '115.00');
  await call('PATCH', `/admin/types/${type.id}`, { token: merchant(), body: { vat_id: 4 } });
  assert.is((await call('GET', `/products/${product.id}`)).body.price_ttc, '102.10');
  await call('DELETE', `/admin/types/${type.id}`, { token: merchant() });
  assert.is((await call('GET', `/products/${product.id}`)).body.price_ttc, '120.00', 'no live type left: the default rate');
  const updates = (await outbox({ type: EVENTS.productUpdated, subject: product.id })).map((e) => e.data.vat_rate);
  assert.equal(updates, ['15.00', '2.10', '20.00']);
});

it('list: filters (search, brand, category with sub-categories, type, catalog, price, stock), sort, pagination', async () => {
  const brand = await createThing(call, '/admin/brands', { name: 'Filterco' });
  const top = await createThing(call, '/admin/categories', { name: 'Filter top' });
  const sub = await createThing(call, '/admin/categories', { name: 'Filter sub', parent_id: top.id });
  const catalog = await createThing(call, '/admin/catalogs', { name: 'Filter catalog' });
  const make = (name: string, price: string, extra: Record<string, unknown> = {}) => createProduct(call, { name, price_ht: price, brand_id: brand.id, ...extra });
  const alpha = await make('Alpha', '5.00', { category_ids: [top.id], type_ids: [1], catalog_ids: [catalog.id] });
  await make('Bravo', '15.00', { category_ids: [sub.id], type_ids: [3] });
  await make('Charlie', '25.00', { stock: 0 });
  await make('Delta', '35.00', { is_active: false, category_ids: [top.id] });
  const list = (query: string) => call('GET', `/products?brand_id=${brand.id}&${query}`);

  assert.equal(names(await list('sort=name')), ['Alpha', 'Bravo', 'Charlie'], 'inactive products are not in the catalogue');
  assert.equal(names(await list('sort=-price_ht')), ['Charlie', 'Bravo', 'Alpha']);
  assert.equal(names(await list('sort=created_at')), ['Alpha', 'Bravo', 'Charlie']);
  assert.equal(names(await list(`category_id=${top.id}&sort=name`)), ['Alpha', 'Bravo'], 'a category includes its sub-categories');
  assert.equal(names(await list(`category_id=${sub.id}`)), ['Bravo']);
  assert.equal(names(await list('type_id=3')), ['Bravo']);
  assert.equal(names(await list(`catalog_id=${catalog.id}`)), ['Alpha']);
  assert.equal(names(await list('min_price=10&max_price=25.00&sort=name')), ['Bravo', 'Charlie']);
  assert.equal(names(await list('in_stock=1&sort=name')), ['Alpha', 'Bravo']);
  assert.equal(names(await list('in_stock=0')), ['Charlie']);
  assert.equal(names(await list('search=rav')), ['Bravo']);
  assert.equal(names(await list(`search=${alpha.ref}`)), ['Alpha'], 'search looks at refs too');
  assert.equal(names(await list('search=100%25')), [], 'LIKE wildcards in a search are literal');

  const page = await list('sort=name&per_page=2&page=2');
  assert.equal([page.body.total, page.body.per_page, page.body.current_page, page.body.last_page, names(page)], [3, 2, 2, 2, ['Charlie']]);
  const item = (await list('sort=name')).body.data[0];
  assert.equal(Object.keys(item).sort(), ['available', 'brand', 'brand_id', 'categories', 'created_at', 'description', 'id', 'is_active', 'main_image_url', 'name', 'price_ht', 'price_ttc', 'ref', 'reserved', 'stock', 'updated_at', 'vat_rate']);
  assert.equal(item.brand, { id: brand.id, name: 'Filterco', website: null });
  assert.is((await list('sort=stock')).status, 422, 'unknown sort field');
  assert.is((await list('per_page=101')).status, 422);
  assert.is((await list('in_stock=maybe')).status, 422);

  const admin = await call('GET', `/admin/products?brand_id=${brand.id}&is_active=0`, { token: merchant() });
  assert.equal(names(admin), ['Delta'], 'the admin list shows inactive products');
  assert.is((await call('GET', `/products/${(admin.body.data[0] as { id: number }).id}`)).status, 404, 'an inactive product is not in the public catalogue');

  assert.equal(names(await call('GET', `/brands/${brand.id}/products?sort=name`)), ['Alpha', 'Bravo', 'Charlie']);
  assert.equal(names(await call('GET', `/categories/${top.id}/products?sort=name`)), ['Alpha', 'Bravo']);
  assert.equal(names(await call('GET', `/catalogs/${catalog.id}/products`)), ['Alpha']);
  assert.ok(names(await call('GET', '/types/3/products?per_page=100')).includes('Bravo'));
  assert.is((await call('GET', '/categories/999999/products')).status, 404);
});

it('search: every word must match the name, ref, description or brand; exact ref first', async () => {
  const brand = await createThing(call, '/admin/brands', { name: 'Zyloxbrand' });
  const ref = uniqueRef('ZYL');
  await createProduct(call, { name: 'Quartz clock', description: 'A zylox timepiece', ref: uniqueRef() });
  await createProduct(call, { name: 'Quartz watch', brand_id: brand.id });
  await createProduct(call, { name: 'Zylox quartz', ref });
  const search = (q: string) => call('GET', `/products/search?q=${encodeURIComponent(q)}`);
  assert.equal(names(await search('zylox quartz')), ['Zylox quartz', 'Quartz clock', 'Quartz watch'], 'names starting with the text first');
  assert.equal(names(await search('watch zyloxbrand')), ['Quartz watch'], 'brand names count');
  assert.equal(names(await search(ref)), ['Zylox quartz']);
  const shaped = await search('quartz');
  assert.equal([shaped.body.current_page, shaped.body.per_page], [1, 15]);
  assert.is((await call('GET', '/products/search')).status, 422);
  assert.is((await search('   ')).status, 422);
});

it('show: attributes and characteristics (admin CRUD), with their groups', async () => {
  const product = await createProduct(call, { name: 'Shirt' });
  const size = await createThing(call, '/admin/attribute-groups', { name: 'Size' });
  await createThing(call, '/admin/attributes', { product_id: product.id, attribute_group_id: size.id, value: 'M', stock: 3 });
  await createThing(call, '/admin/attributes', { product_id: product.id, attribute_group_id: size.id, value: 'L' });
  assert.is((await call('POST', '/admin/attributes', { token: merchant(), body: { product_id: 999999, attribute_group_id: size.id, value: 'XL' } })).status, 422);
  const fabric = await createThing(call, '/admin/characteristic-groups', { name: 'Fabric' });
  const material = await createThing(call, '/admin/characteristics', { name: 'Material', characteristic_group_id: fabric.id });
  await createThing(call, '/admin/related-characteristics', { product_id: product.id, characteristic_id: material.id, value: 'Cotton' });
  const twice = await call('POST', '/admin/related-characteristics', { token: merchant(), body: { product_id: product.id, characteristic_id: material.id, value: 'Wool' } });
  assert.is(twice.status, 409, 'one value per characteristic and product');
  const shown = (await call('GET', `/products/${product.id}`)).body;
  assert.equal(shown.attributes.map((a: { value: string; stock: number; group: unknown }) => [a.value, a.stock, a.group]), [['M', 3, { id: size.id, name: 'Size' }], ['L', 0, { id: size.id, name: 'Size' }]]);
  assert.equal(shown.characteristics.map((c: { name: string; value: string; group: unknown }) => [c.name, c.value, c.group]), [['Material', 'Cotton', { id: fabric.id, name: 'Fabric' }]]);
});

it('health and the OpenAPI document', async () => {
  assert.equal((await call('GET', '/health')).body, { status: 'ok', service: 'products', database: 'up' });
  const doc = await call('GET', '/openapi.json');
  assert.is(doc.status, 200);
  for (const path of ['/products', '/products/search', '/products/{id}', '/admin/products/{id}/stock', '/admin/products/{id}/images/upload-url', '/categories/{id}/products', '/vat']) {
    assert.ok(doc.body.paths[path], path);
  }
});

it("a product's page follows every change: reference data, parts, stock, and another replica's writes", async () => {
  const brand = await createThing(call, '/admin/brands', { name: 'Before' });
  const category = await createThing(call, '/admin/categories', { name: 'Old name' });
  const product = await createProduct(call, { brand_id: brand.id, category_ids: [category.id], stock: 5 });
  const show = async () => (await call('GET', `/products/${product.id}`)).body;
  assert.equal([(await show()).brand.name, (await show()).categories[0].name], ['Before', 'Old name']);
  await call('PATCH', `/admin/brands/${brand.id}`, { token: merchant(), body: { name: 'After' } });
  await call('PATCH', `/admin/categories/${category.id}`, { token: merchant(), body: { name: 'New name' } });
  assert.equal([(await show()).brand.name, (await show()).categories[0].name], ['After', 'New name']);
  await call('POST', `/admin/products/${product.id}/stock`, { token: merchant(), body: { quantity: 9 } });
  assert.equal([(await show()).stock, (await show()).available], [9, 9]);
  await call('DELETE', `/admin/categories/${category.id}`, { token: merchant() });
  assert.equal((await show()).categories, []);

  // Another replica's edit: its rows and the catalogue version change in the database only.
  await db.sequelize.query('UPDATE brands SET name = ? WHERE id = ?', { replacements: ['Elsewhere', brand.id] });
  assert.is((await show()).brand.name, 'After', 'the kept page stands while the version is unchanged');
  await db.sequelize.query('UPDATE catalogue_version SET version = version + 1');
  assert.is((await show()).brand.name, 'Elsewhere');
  await db.sequelize.query('UPDATE products SET stock = 3, is_active = 0 WHERE id = ?', { replacements: [product.id] });
  assert.is((await call('GET', `/products/${product.id}`)).status, 404, 'activity is read live');
  assert.is((await call('GET', `/admin/products/${product.id}`, { token: merchant() })).body.stock, 3, 'and so is the stock');
});

it.run();
