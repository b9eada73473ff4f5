import { formatCents, invalid, moneySchema, toCents } from '../kit';
import type { WebsiteSettings } from '../contracts/engagement';

/**
 * A site's settings: what clients may send (any part of it), how it is checked, and the defaults
 * that fill in what a site has never been given.
 */
const colour = { type: 'string', pattern: '^#[0-9A-Fa-f]{6}$', description: '#rrggbb' };

export const settingsSchema = {
  type: 'object',
  description: 'Any part of the settings; what is not sent keeps its value (its default on a new site).',
  properties: {
    currency: { type: 'string', pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code (EUR)' },
    locale: { type: 'string', minLength: 2, maxLength: 35, description: 'BCP 47 language tag (fr-FR; fr_FR is accepted)' },
    contact_email: { type: ['string', 'null'], format: 'email', maxLength: 255 },
    shipping_costs: {
      type: 'object',
      description: 'VAT included, per delivery method',
      properties: { standard: moneySchema(), express: moneySchema(), pickup: moneySchema() },
    },
    free_shipping_threshold: { anyOf: [moneySchema(), { type: 'null' }], description: 'Goods total (VAT included) from which shipping is free; null: never' },
    theme: { type: 'object', properties: { primary_color: colour, secondary_color: colour } },
    logo_key: { type: ['string', 'null'], maxLength: 512, pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9/_.-]*$', description: 'Object key of the logo in storage' },
  },
};

type Amount = string | number;
export interface SettingsInput {
  currency?: string;
  locale?: string;
  contact_email?: string | null;
  shipping_costs?: Partial<Record<keyof WebsiteSettings['shipping_costs'], Amount>>;
  free_shipping_threshold?: Amount | null;
  theme?: Partial<WebsiteSettings['theme']>;
  logo_key?: string | null;
}

/** What a site has before anyone sets anything: today's flat shipping (5.90), never free. */
export const DEFAULT_SETTINGS: WebsiteSettings = {
  currency: 'EUR',
  locale: 'fr-FR',
  contact_email: null,
  shipping_costs: { standard: '5.90', express: '9.90', pickup: '3.90' },
  free_shipping_threshold: null,
  theme: { primary_color: '#1f2937', secondary_color: '#f59e0b' },
  logo_key: null,
};

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const money = (amount: Amount) => formatCents(toCents(amount));

/** `settings` with the parts of `input` laid over it, checked and in their stored form (422 naming the field). */
export function mergeSettings(settings: WebsiteSettings, input: SettingsInput = {}): WebsiteSettings {
  const errors: Record<string, string[]> = {};
  const merged: WebsiteSettings = {
    ...settings,
    ...(input.contact_email !== undefined ? { contact_email: input.contact_email?.trim().toLowerCase() || null } : {}),
    ...(input.logo_key !== undefined ? { logo_key: input.logo_key } : {}),
    shipping_costs: { ...settings.shipping_costs },
    theme: { ...settings.theme },
  };
  if (input.currency !== undefined) {
    merged.currency = input.currency.toUpperCase();
    if (!CURRENCIES.has(merged.currency)) errors['settings.currency'] = ['The settings currency must be an ISO 4217 code (e.g. EUR).'];
  }
  if (input.locale !== undefined) {
    try {
      merged.locale = Intl.getCanonicalLocales(input.locale.replace(/_/g, '-'))[0];
    } catch {
      errors['settings.locale'] = ['The settings locale must be a language tag (e.g. fr-FR).'];
    }
  }
  for (const [method, amount] of Object.entries(input.shipping_costs ?? {}) as Array<[keyof WebsiteSettings['shipping_costs'], Amount]>) {
    merged.shipping_costs[method] = money(amount);
  }
  if (input.free_shipping_threshold !== undefined) {
    merged.free_shipping_threshold = input.free_shipping_threshold === null ? null : money(input.free_shipping_threshold);
  }
  for (const [part, value] of Object.entries(input.theme ?? {}) as Array<[keyof WebsiteSettings['theme'], string]>) merged.theme[part] = value.toLowerCase();
  if (Object.keys(errors).length) throw invalid(errors);
  return merged;
}
