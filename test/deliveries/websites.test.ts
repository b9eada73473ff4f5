import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ENGAGEMENT_EVENTS } from '../../functions/contracts/engagement';
import type { Call } from '../helpers/http';
import { freshSiteId, websiteUpdated } from '../helpers/website-events';
import { confirmedDelivery, deliver, freshId, serveDeliveries, tokens } from './helpers';

const it = suite("deliveries: shipping_cost from the default website's settings (website.updated)");
let url: string;
let call: Call;
let close: () => Promise<void>;
const siteId = freshSiteId();

const WEBSITE = ENGAGEMENT_EVENTS.websiteUpdated;
const costs = { standard: '4.90', express: '12.00', pickup: '2.50' };

it.before(async () => {
  ({ url, call, close } = await serveDeliveries());
});
it.after(async () => {
  await deliver(url, WEBSITE, websiteUpdated(siteId, { deleted: true }, -60));
  await close();
});

const byHand = (fields: Record<string, unknown>) => call('POST', '/admin/deliveries', {
  token: tokens.manager,
  body: { order_id: freshId(), user_id: freshId(), first_name: 'Louis', last_name: 'Pasteur', address_line_1: '25 rue du Docteur Roux', city: 'Paris', postal_code: '75015', country_code: 'FR', ...fields },
});

it("a new delivery costs its method's price on the default site; an explicit cost wins; none known: 0.00", async () => {
  assert.is((await confirmedDelivery(url, call)).delivery.shipping_cost, '0.00', 'no website known: as before');
  const applied = await deliver(url, WEBSITE, websiteUpdated(siteId, { settings: { shipping_costs: costs } }, 5));
  assert.is(applied.body.status, 'applied');
  assert.is((await confirmedDelivery(url, call)).delivery.shipping_cost, '4.90', 'order.confirmed: standard');
  const express = await byHand({ delivery_method: 'express' });
  assert.equal([express.status, express.body.shipping_cost], [201, '12.00']);
  assert.is((await byHand({ delivery_method: 'express', shipping_cost: '0' })).body.shipping_cost, '0.00', 'a cost sent by staff is kept');
  await deliver(url, WEBSITE, websiteUpdated(siteId, { settings: { shipping_costs: { ...costs, standard: '1.00' } } }, 30));
  assert.is((await confirmedDelivery(url, call)).delivery.shipping_cost, '4.90', 'a stale event is ignored');
  await deliver(url, WEBSITE, websiteUpdated(siteId, { is_default: false }, 0));
  assert.is((await confirmedDelivery(url, call)).delivery.shipping_cost, '0.00', 'the site is no longer the default');
});

it.run();
