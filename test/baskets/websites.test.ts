import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import type { Call } from '../helpers/http';
import { freshSiteId, websiteUpdated } from '../helpers/website-events';
import { customerToken, deliver, product, promoCode, startBaskets } from './helpers';

const it = suite("baskets: the default website's shipping settings (website.updated)");
let call: Call;
let url: string;
let close: () => Promise<void>;
const sites: number[] = [];

const WEBSITE = ENGAGEMENT_EVENTS.websiteUpdated;
const site = (fields: Parameters<typeof websiteUpdated>[1] = {}, secondsAgo = 0) => {
  const id = freshSiteId();
  sites.push(id);
  return websiteUpdated(id, fields, secondsAgo);
};
const applied = async (data: object, id?: string) => {
  const answer = await deliver(url, WEBSITE, data, { id });
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.status as string;
};
const figures = (b: any) => [b.subtotal_ht, b.discount, b.vat, b.shipping, b.total_ttc];
const basketOf = async (token: string) => (await call('GET', '/baskets/current', { token })).body;

it.before(async () => {
  ({ call, url, close } = await startBaskets());
});
// Whatever happened, the sites end deleted: the other suites find the basket's flat shipping again.
it.after(async () => {
  for (const id of sites) await deliver(url, WEBSITE, websiteUpdated(id, { deleted: true }, -60));
  await close();
});

it("the default site's standard cost replaces the flat 5.90; free once the goods TTC reach its threshold", async () => {
  const p = await product(url, { price_ht: '10.00', vat_rate: '20.00' });
  const { token } = customerToken();
  await call('POST', '/baskets/items', { token, body: { product_id: p.id, quantity: 1 } });
  assert.is((await basketOf(token)).shipping, '5.90', 'no website known: the flat cost');
  const main = site({ settings: { shipping_costs: { standard: '4.50', express: '9.00', pickup: '2.00' }, free_shipping_threshold: '60.00' } });
  assert.is(await applied(main), 'applied');
  assert.equal(figures(await basketOf(token)), ['10.00', '0.00', '2.00', '4.50', '16.50']);
  const four = await call('PUT', `/baskets/items/${(await basketOf(token)).items[0].id}`, { token, body: { quantity: 4 } });
  assert.equal(figures(four.body.data), ['40.00', '0.00', '8.00', '4.50', '52.50'], '48.00 TTC is below 60.00');
  const five = await call('PUT', `/baskets/items/${four.body.data.items[0].id}`, { token, body: { quantity: 5 } });
  assert.equal(figures(five.body.data), ['50.00', '0.00', '10.00', '0.00', '60.00'], '60.00 TTC reaches the threshold');
  const percent = await promoCode(call, 'percentage', '10');
  const discounted = await call('POST', '/baskets/promo-codes', { token, body: { code: percent.code } });
  assert.equal(figures(discounted.body.data), ['50.00', '5.00', '9.00', '4.50', '58.50'], 'the threshold counts the goods after their discount (54.00)');
  const free = await promoCode(call, 'free_shipping', '0');
  const withFree = await call('POST', '/baskets/promo-codes', { token, body: { code: free.code } });
  assert.equal(figures(withFree.body.data), ['50.00', '9.50', '9.00', '4.50', '54.00'], 'a free-shipping code still takes the shipping off');
  assert.is(await applied(websiteUpdated(main.id, { deleted: true }, -1)), 'applied');
  assert.equal(figures(await basketOf(token)), ['50.00', '10.90', '9.00', '5.90', '54.00'], 'the site deleted: the flat 5.90, taken off by the code');
});

it('only an active, live default counts; a stale or repeated event changes nothing', async () => {
  const p = await product(url, { price_ht: '10.00', vat_rate: '20.00' });
  const { token } = customerToken();
  await call('POST', '/baskets/items', { token, body: { product_id: p.id, quantity: 1 } });
  const other = site({ is_default: false, settings: { shipping_costs: { standard: '1.00', express: '1.00', pickup: '1.00' } } });
  await applied(other);
  assert.is((await basketOf(token)).shipping, '5.90', 'a site that is not the default changes nothing');
  const main = site({ settings: { shipping_costs: { standard: '3.00', express: '9.00', pickup: '2.00' } } }, 10);
  const eventId = randomUUID();
  assert.is(await applied(main, eventId), 'applied');
  assert.is(await applied(main, eventId), 'duplicate');
  assert.is((await basketOf(token)).shipping, '3.00');
  await applied(websiteUpdated(main.id, { settings: { shipping_costs: { standard: '7.00', express: '9.00', pickup: '2.00' } } }, 20));
  assert.is((await basketOf(token)).shipping, '3.00', 'an older change arriving late is ignored');
  await applied(websiteUpdated(main.id, { settings: { shipping_costs: { standard: '3.50', express: '9.00', pickup: '2.00' } } }, 5));
  assert.is((await basketOf(token)).shipping, '3.50', 'a newer one applies');
  const newer = site({ settings: { shipping_costs: { standard: '2.50', express: '9.00', pickup: '2.00' } } }, 1);
  await applied(newer);
  assert.is((await basketOf(token)).shipping, '2.50', 'the latest default wins while the old one is not yet unset');
  await applied(websiteUpdated(newer.id, { is_active: false }, 0));
  assert.is((await basketOf(token)).shipping, '3.50', 'an inactive default does not count');
  await applied(websiteUpdated(main.id, { deleted: true }, 0));
  await applied(websiteUpdated(main.id, { settings: { shipping_costs: { standard: '9.99', express: '9.00', pickup: '2.00' } } }, 2));
  assert.is((await basketOf(token)).shipping, '5.90', 'nothing older brings a deleted site back');
  const broken = await deliver(url, WEBSITE, { id: freshSiteId(), name: 'x' });
  assert.equal([broken.status, broken.body.status], [200, 'rejected'], 'data off the contract is refused for good');
});

it.run();
