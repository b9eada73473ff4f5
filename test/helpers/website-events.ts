import { randomInt } from 'node:crypto';
import type { WebsiteSettings, WebsiteUpdated } from '../../functions/contracts/engagement';

let nextSite = randomInt(1_000_000, 2_000_000_000);
/** A website id no earlier run used. */
export const freshSiteId = () => ++nextSite;

const SETTINGS: WebsiteSettings = {
  currency: 'EUR', locale: 'fr-FR', contact_email: null, shipping_costs: { standard: '5.90', express: '9.90', pickup: '3.90' },
  free_shipping_threshold: null, theme: { primary_color: '#000000', secondary_color: '#ffffff' }, logo_key: null,
};

/** The data of a website.updated event as websites emits it; `secondsAgo` dates the change. */
export function websiteUpdated(
  id: number, fields: Partial<Omit<WebsiteUpdated, 'settings' | 'updated_at'>> & { settings?: Partial<WebsiteSettings> } = {}, secondsAgo = 0,
): WebsiteUpdated {
  const { settings, ...rest } = fields;
  return {
    id, name: `Site ${id}`, domain: `site-${id}.example.com`, is_active: true, is_default: true, deleted: false,
    ...rest,
    settings: { ...SETTINGS, ...settings },
    updated_at: new Date(Date.now() - secondsAgo * 1000).toISOString(),
  };
}
