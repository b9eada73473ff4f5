import '../helpers/env';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { createHttpFunction, migrationsOf } from '../../functions/kit/service';
import { migrateAndSeed } from '../../functions/kit/db';
import { signToken } from '../../functions/kit/jwt';
import { ENGAGEMENT_EVENTS, type WebsiteUpdated } from '../../functions/contracts/engagement';
import { websites } from '../../functions/websites';
import { db } from '../../functions/websites/database';
import { DEFAULT_SETTINGS } from '../../functions/websites/settings';
import { dropDatabase } from '../helpers/databases';
import { client, type Call } from '../helpers/http';
import { serveFunction } from '../helpers/serve';

const it = suite('websites service');
let call: Call;
let close: () => Promise<void>;

const editor = signToken({ id: 1, email: 'admin@example.com', roles: ['super-admin'], permissions: [] }).token;
const admin = signToken({ id: 2, email: 'a@example.com', roles: ['admin'], permissions: ['settings.view', 'users.view'] }).token;
const customer = signToken({ id: 3, email: 'c@example.com', roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] }).token;

const domainFor = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}.example.com`;

async function site(body: Record<string, unknown>) {
  const res = await call('POST', '/websites', { token: editor, body: { name: 'Shop', domain: domainFor('shop'), ...body } });
  assert.is(res.status, 201, res.text);
  return res.body;
}
const show = async (id: number) => (await call('GET', `/websites/${id}`)).body;

async function eventsOf(id: number): Promise<WebsiteUpdated[]> {
  const rows = await db.sequelize.query<{ data: string }>('SELECT data FROM outbox_events WHERE type = ? AND subject = ? ORDER BY id', {
    replacements: [ENGAGEMENT_EVENTS.websiteUpdated, String(id)], type: QueryTypes.SELECT,
  });
  return rows.map((row) => JSON.parse(row.data));
}

/** Deletes every live site through the API: each one's last event says it is gone, for whoever consumes them later. */
async function deleteEverySite() {
  for (;;) {
    const { data } = (await call('GET', '/websites?per_page=100')).body;
    if (!data.length) return;
    for (const { id } of data) assert.is((await call('DELETE', `/websites/${id}`, { token: editor })).status, 204);
  }
}

const migrate = () => migrateAndSeed('websites', migrationsOf(websites), websites.seeds!);
const [defaultSiteSeed] = websites.seeds!;

/** Runs the default-site seed again (as the first migration of an installation would), with SITE_* set as given. */
async function reseed(env: Record<string, string>) {
  Object.assign(process.env, env);
  try {
    await defaultSiteSeed.run();
  } finally {
    for (const name of Object.keys(env)) delete process.env[name];
  }
}

it.before(async () => {
  await dropDatabase('websites'); // a fresh installation (nothing else in this process has used this database yet)
  await migrate();
  const served = await serveFunction(createHttpFunction(websites));
  call = client(served.url);
  close = served.close;
});
it.after(async () => {
  await deleteEverySite();
  // What a fresh installation has, for the end-to-end suites that share this database.
  await defaultSiteSeed.run();
  await close();
});

it('a fresh installation has one active default site (Shop on localhost), announced: /config answers 200 at once', async () => {
  const res = await call('GET', '/config');
  assert.is(res.status, 200, res.text);
  assert.equal([res.body.name, res.body.domain, res.body.is_active, res.body.is_default, res.body.matched], ['Shop', 'localhost', true, true, 'default']);
  assert.equal(res.body.settings, DEFAULT_SETTINGS);
  const byDomain = await call('GET', '/config?domain=localhost:8080');
  assert.equal([byDomain.status, byDomain.body.id, byDomain.body.matched], [200, res.body.id, 'domain']);
  const [event, ...more] = await eventsOf(res.body.id);
  assert.equal(more, []);
  assert.equal([event.name, event.domain, event.is_default, event.is_active, event.deleted, event.settings], ['Shop', 'localhost', true, true, false, DEFAULT_SETTINGS]);
  await migrate();
  assert.is((await call('GET', '/websites')).body.total, 1, 'a seed runs once per database');
});

it("the seed makes no second default where there is one already (an operator's), nor a second site on its domain", async () => {
  const [seeded] = (await call('GET', '/websites')).body.data;
  const operators = await site({ is_default: true });
  await reseed({ SITE_NAME: 'Other', SITE_DOMAIN: domainFor('other') });
  assert.equal([(await call('GET', '/websites')).body.total, (await call('GET', '/config')).body.id], [2, operators.id]);
  assert.is((await call('DELETE', `/websites/${operators.id}`, { token: editor })).status, 204);
  await reseed({ SITE_DOMAIN: seeded.domain });
  assert.equal([(await call('GET', '/websites')).body.total, (await call('GET', '/config')).status], [1, 404], 'localhost is taken: no default made');
  await deleteEverySite();
  await reseed({ SITE_NAME: ' Boutique ', SITE_DOMAIN: 'WWW.Boutique.Example.' });
  const made = (await call('GET', '/config')).body;
  assert.equal([made.name, made.domain, made.is_active, made.is_default, made.matched], ['Boutique', 'www.boutique.example', true, true, 'default']);
});

it('a bad SITE_DOMAIN or SITE_NAME fails the seed with a message naming it, writing nothing', async () => {
  await deleteEverySite();
  for (const domain of ['https://shop.example.com', 'shop.example.com/path', 'shop.example.com:8080', '192.168.0.1', 'not a domain']) {
    const error = await reseed({ SITE_DOMAIN: domain }).then(() => undefined, (e: Error) => e);
    assert.match(error?.message ?? 'no error', `SITE_DOMAIN "${domain}" is not a host name`);
  }
  for (const name of ['   ', 'x'.repeat(256)]) {
    const error = await reseed({ SITE_NAME: name }).then(() => undefined, (e: Error) => e);
    assert.match(error?.message ?? 'no error', 'SITE_NAME must be 1 to 255 characters');
  }
  assert.is((await call('GET', '/websites')).body.total, 0, 'nothing written');
});

it('create: 201; domain lower-cased; settings checked, normalized and completed with defaults; the first site is the default', async () => {
  await deleteEverySite();
  const domain = domainFor('First');
  const res = await call('POST', '/websites', {
    token: editor,
    body: { name: ' Boutique ', domain: `${domain.toUpperCase()}.`, id: 9, settings: { currency: 'usd', locale: 'en_us', shipping_costs: { express: 12.5 }, theme: { primary_color: '#ABCDEF' }, unknown: 1 } },
  });
  assert.is(res.status, 201, res.text);
  assert.equal([res.body.name, res.body.domain, res.body.is_active, res.body.is_default], ['Boutique', domain.toLowerCase(), true, true]);
  assert.equal(res.body.settings, {
    currency: 'USD', locale: 'en-US', contact_email: null,
    shipping_costs: { standard: '5.90', express: '12.50', pickup: '3.90' }, free_shipping_threshold: null,
    theme: { primary_color: '#abcdef', secondary_color: '#f59e0b' }, logo_key: null,
  });
  const [event] = await eventsOf(res.body.id);
  assert.equal([event.id, event.domain, event.is_default, event.deleted, event.settings], [res.body.id, res.body.domain, true, false, res.body.settings]);
  assert.is(event.updated_at, res.body.updated_at);
  const second = await site({});
  assert.is(second.is_default, false, 'there is a default already');
  assert.equal(await show(res.body.id), res.body);
});

it('domain: a host name (international ones in ASCII), never a URL, address or blank; unique among live sites (409)', async () => {
  for (const domain of ['not a domain', 'https://shop.example.com', 'shop.example.com/path', 'shop..example.com', '-shop.example.com', '192.168.0.1', 'shop.example.com:8080', '  ', 'a'.repeat(64) + '.com']) {
    const res = await call('POST', '/websites', { token: editor, body: { name: 'Bad', domain } });
    assert.equal([res.status, Object.keys(res.body.errors ?? {})], [422, ['domain']], domain);
  }
  const idn = await site({ domain: `bücher-${randomUUID().slice(0, 6)}.example` });
  assert.match(idn.domain, /^xn--bcher-.*\.example$/);
  const taken = await site({});
  const again = await call('POST', '/websites', { token: editor, body: { name: 'Copy', domain: taken.domain.toUpperCase() } });
  assert.is(again.status, 409);
  const other = await site({});
  assert.is((await call('PATCH', `/websites/${other.id}`, { token: editor, body: { domain: taken.domain } })).status, 409);
  assert.is((await call('PATCH', `/websites/${taken.id}`, { token: editor, body: { domain: taken.domain } })).status, 200, 'its own domain is no conflict');
  assert.is((await call('DELETE', `/websites/${taken.id}`, { token: editor })).status, 204);
  assert.is((await call('GET', `/websites/${taken.id}`)).status, 404);
  assert.is((await call('POST', '/websites', { token: editor, body: { name: 'Reborn', domain: taken.domain } })).status, 201, "a deleted site's domain is free again");
  const contested = domainFor('race');
  const racing = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/websites', { token: editor, body: { name: 'Race', domain: contested } })));
  assert.equal(racing.map((r) => r.status).sort(), [201, 409, 409, 409, 409], 'concurrent creations of one domain: one wins');
});

it('settings are validated field by field (422 naming settings.<field>)', async () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ currency: 'EURO' }, 'settings.currency'], [{ currency: 'XYZ' }, 'settings.currency'], [{ locale: 'not a locale!' }, 'settings.locale'],
    [{ contact_email: 'nope' }, 'settings.contact_email'], [{ shipping_costs: { standard: '-1' } }, 'settings.shipping_costs.standard'],
    [{ shipping_costs: { pickup: '1.999' } }, 'settings.shipping_costs.pickup'], [{ free_shipping_threshold: 'free' }, 'settings.free_shipping_threshold'],
    [{ theme: { primary_color: '#fff' } }, 'settings.theme.primary_color'], [{ theme: { secondary_color: 'red' } }, 'settings.theme.secondary_color'],
    [{ logo_key: '../../etc/passwd' }, 'settings.logo_key'], [{ shipping_costs: 'cheap' }, 'settings.shipping_costs'],
  ];
  for (const [settings, field] of cases) {
    const res = await call('POST', '/websites', { token: editor, body: { name: 'S', domain: domainFor('bad'), settings } });
    assert.is(res.status, 422, JSON.stringify(settings));
    assert.ok(Object.keys(res.body.errors).includes(field), `${JSON.stringify(settings)}: ${JSON.stringify(res.body.errors)}`);
  }
  const good = await site({ settings: { contact_email: 'Hello@Shop.Example', free_shipping_threshold: '50', logo_key: 'websites/1/logo.png' } });
  assert.equal([good.settings.contact_email, good.settings.free_shipping_threshold, good.settings.logo_key], ['hello@shop.example', '50.00', 'websites/1/logo.png']);
});

it('PUT and PATCH change only what is sent; settings part by part', async () => {
  const s = await site({ settings: { shipping_costs: { standard: '4.00' }, free_shipping_threshold: '60.00' } });
  const patched = await call('PATCH', `/websites/${s.id}`, { token: editor, body: { settings: { shipping_costs: { express: '15' } } } });
  assert.is(patched.status, 200, patched.text);
  assert.equal(patched.body.settings.shipping_costs, { standard: '4.00', express: '15.00', pickup: '3.90' });
  assert.equal([patched.body.settings.free_shipping_threshold, patched.body.name, patched.body.domain], ['60.00', s.name, s.domain]);
  const renamed = await call('PUT', `/websites/${s.id}`, { token: editor, body: { name: 'Renamed', settings: { free_shipping_threshold: null } } });
  assert.equal([renamed.body.name, renamed.body.settings.free_shipping_threshold, renamed.body.settings.shipping_costs.express], ['Renamed', null, '15.00']);
  assert.equal((await eventsOf(s.id)).map((e) => e.name), ['Shop', 'Shop', 'Renamed']);
});

it('one default: a new default unsets the old (both announced); the default is active; deleting it leaves none', async () => {
  const first = await site({ is_default: true });
  const second = await site({ is_default: true });
  assert.is((await show(first.id)).is_default, false);
  assert.is((await show(second.id)).is_default, true);
  const unset = (await eventsOf(first.id)).at(-1)!;
  assert.equal([unset.is_default, unset.deleted], [false, false], "the old default's change is announced");
  assert.is((await call('GET', '/websites?is_default=true')).body.total, 1);
  const third = await site({});
  assert.is((await call('PATCH', `/websites/${third.id}`, { token: editor, body: { is_default: true } })).body.is_default, true);
  assert.is((await show(second.id)).is_default, false);
  const inactive = await call('POST', '/websites', { token: editor, body: { name: 'x', domain: domainFor('x'), is_default: true, is_active: false } });
  assert.equal([inactive.status, Object.keys(inactive.body.errors)], [422, ['is_active']]);
  const deactivate = await call('PATCH', `/websites/${third.id}`, { token: editor, body: { is_active: false } });
  assert.equal([deactivate.status, Object.keys(deactivate.body.errors)], [422, ['is_active']]);
  const concurrent = await Promise.all([first, second, third].map(({ id }) => call('PATCH', `/websites/${id}`, { token: editor, body: { is_default: true } })));
  assert.ok(concurrent.every((r) => r.status === 200), concurrent.map((r) => r.text).join('\n'));
  assert.is((await call('GET', '/websites?is_default=true')).body.total, 1, 'concurrent defaults end with one');
  const [current] = (await call('GET', '/websites?is_default=true')).body.data;
  assert.is((await call('DELETE', `/websites/${current.id}`, { token: editor })).status, 204);
  const gone = (await eventsOf(current.id)).at(-1)!;
  assert.equal([gone.deleted, gone.is_default], [true, true]);
  assert.is((await call('GET', '/websites?is_default=true')).body.total, 0);
});

it('GET /config: the active site of the domain (www. or not, any case, with a port), else the default, else 404', async () => {
  await deleteEverySite();
  assert.is((await call('GET', '/config?domain=anything.example.com')).status, 404, 'no site at all');
  const main = await site({ domain: domainFor('main'), is_default: true, settings: { currency: 'EUR' } });
  const shop = await site({ domain: domainFor('shop'), settings: { currency: 'CHF' } });
  const www = await site({ domain: `www.${domainFor('brand')}`, settings: { currency: 'GBP' } });
  const closed = await site({ domain: domainFor('closed'), is_active: false });
  const config = async (domain?: string) => {
    const res = await call('GET', `/config${domain === undefined ? '' : `?domain=${encodeURIComponent(domain)}`}`);
    assert.is(res.status, 200, res.text);
    return [res.body.id, res.body.matched];
  };
  assert.equal(await config(shop.domain), [shop.id, 'domain']);
  assert.equal(await config(`WWW.${shop.domain.toUpperCase()}:8443`), [shop.id, 'domain']);
  assert.equal(await config(www.domain.slice(4)), [www.id, 'domain']);
  assert.equal(await config(closed.domain), [main.id, 'default'], 'an inactive site serves nothing');
  assert.equal(await config('unknown.example.org'), [main.id, 'default']);
  assert.equal(await config(), [main.id, 'default']);
  assert.equal(await config(''), [main.id, 'default']);
  const twin = await site({ domain: `www.${shop.domain}` });
  assert.equal(await config(`www.${shop.domain}`), [twin.id, 'domain'], 'the exact domain wins over its www. twin');
  assert.equal(await config(shop.domain), [shop.id, 'domain']);
  const full = (await call('GET', `/config?domain=${shop.domain}`)).body;
  assert.equal([full.settings.currency, full.name, full.domain], ['CHF', 'Shop', shop.domain]);
  const bad = await call('GET', '/config?domain=not%20a%20domain');
  assert.equal([bad.status, Object.keys(bad.body.errors)], [422, ['domain']]);
});

it('list and search: public; `search` on name or domain (empty = no filter); /websites/search ranks exact and leading matches first', async () => {
  const tag = `zz${randomUUID().slice(0, 6)}`;
  const exact = await site({ name: 'Alpha', domain: `${tag}.example.com` });
  const inName = await site({ name: `Zeta ${tag} store`, domain: domainFor('zeta') });
  const leading = await site({ name: `${tag} outlet`, domain: domainFor('outlet') });
  const list = await call('GET', `/websites?search=${tag}`);
  assert.equal(Object.keys(list.body).sort(), ['current_page', 'data', 'last_page', 'per_page', 'total']);
  assert.is(list.body.total, 3);
  const everything = await call('GET', '/websites?search=');
  assert.ok(everything.body.total >= 3, 'an empty search filters nothing');
  const found = await call('GET', `/websites/search?q=${tag}.example.com`);
  assert.equal(found.body.data.map((s: { id: number }) => s.id), [exact.id]);
  const ranked = await call('GET', `/websites/search?q=${tag.toUpperCase()}`);
  assert.equal(ranked.body.data.map((s: { id: number }) => s.id), [exact.id, leading.id, inName.id]);
  for (const q of ['', '%20']) assert.is((await call('GET', `/websites/search?q=${q}`)).status, 422);
  assert.is((await call('GET', '/websites/search')).status, 422);
  assert.is((await call('GET', '/websites?sort=settings')).status, 422);
  assert.is((await call('GET', '/websites?is_active=maybe')).status, 422);
});

it('permissions: writes need settings.update; reads are public', async () => {
  const s = await site({});
  const writes: Array<[string, string, unknown?]> = [['POST', '/websites', { name: 'x', domain: domainFor('p') }], ['PUT', `/websites/${s.id}`, { name: 'y' }], ['PATCH', `/websites/${s.id}`, { name: 'y' }], ['DELETE', `/websites/${s.id}`]];
  for (const [method, path, body] of writes) {
    assert.is((await call(method, path, { body })).status, 401, `${method} ${path}`);
    for (const token of [customer, admin]) assert.is((await call(method, path, { token, body })).status, 403, `${method} ${path}`);
  }
  assert.is((await show(s.id)).name, 'Shop', 'nothing changed');
  for (const path of ['/websites', `/websites/${s.id}`, '/websites/search?q=shop', '/config']) assert.is((await call('GET', path)).status, 200, path);
});

it('every change is announced with a strictly later updated_at, even within one millisecond', async () => {
  const s = await site({});
  await Promise.all(Array.from({ length: 6 }, (_, i) => call('PATCH', `/websites/${s.id}`, { token: editor, body: { name: `Name ${i}` } })));
  await call('DELETE', `/websites/${s.id}`, { token: editor });
  const stamps = (await eventsOf(s.id)).map((e) => Date.parse(e.updated_at));
  assert.is(stamps.length, 8);
  assert.ok(stamps.every((stamp, i) => i === 0 || stamp > stamps[i - 1]), JSON.stringify(stamps));
});

it('bad input is a 4xx naming the field, never a 5xx', async () => {
  const empty = await call('POST', '/websites', { token: editor, body: {} });
  assert.equal([empty.status, Object.keys(empty.body.errors).sort()], [422, ['domain', 'name']]);
  const wrong = await call('POST', '/websites', { token: editor, body: { name: '', domain: { host: 'x' }, is_active: 'yes', settings: 'none' } });
  assert.equal(Object.keys(wrong.body.errors).sort(), ['domain', 'is_active', 'name', 'settings']);
  assert.is((await call('POST', '/websites', { token: editor, raw: '{"name":' })).status, 400);
  assert.is((await call('GET', '/websites/abc')).status, 422);
  assert.is((await call('GET', '/websites/99999999')).status, 404);
  assert.is((await call('PATCH', '/websites/99999999', { token: editor, body: { name: 'x' } })).status, 404);
  assert.is((await call('DELETE', '/websites/99999999', { token: editor })).status, 404);
});

it.run();
