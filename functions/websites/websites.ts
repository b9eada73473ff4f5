import { Op, type Transaction } from 'sequelize';
import { conflict, emit, fieldError, invalid, notFound } from '../kit';
import { ENGAGEMENT_EVENTS, type WebsiteUpdated } from '../contracts/engagement';
import { db, Website } from './database';
import { normalizeDomain, wwwVariant } from './domains';
import { DEFAULT_SETTINGS, mergeSettings, type SettingsInput } from './settings';

export interface WebsiteInput {
  name?: string;
  domain?: string;
  is_active?: boolean;
  is_default?: boolean;
  settings?: SettingsInput;
}

export const websiteJson = (site: Website) => ({
  id: site.id,
  name: site.name,
  domain: site.domain,
  is_active: Boolean(site.is_active),
  is_default: Boolean(site.is_default),
  settings: site.settings,
  created_at: site.created_at,
  updated_at: site.updated_at,
});

export async function websiteOr404(id: number, transaction?: Transaction): Promise<Website> {
  const site = await Website.findByPk(id, { transaction });
  if (!site) throw notFound('The website does not exist.');
  return site;
}

/** A change stamp later than the site's last one, even within one millisecond. */
const nextStamp = (previous?: Date) => {
  const now = new Date();
  return previous && now.getTime() <= previous.getTime() ? new Date(previous.getTime() + 1) : now;
};

async function announce(site: Website, transaction: Transaction, deleted = false) {
  const { created_at: _created, ...json } = websiteJson(site);
  const data: WebsiteUpdated = { ...json, deleted, updated_at: site.updated_at.toISOString() };
  await emit(transaction, ENGAGEMENT_EVENTS.websiteUpdated, site.id, data);
}

/**
 * Writes a change with the site's next stamp and announces it. (Sequelize would stamp the row
 * with the current time, which can equal the last change's within one millisecond.)
 */
async function change(site: Website, values: Partial<Pick<Website, 'name' | 'domain' | 'is_active' | 'is_default' | 'settings'>>, transaction: Transaction, deleted = false) {
  const updated_at = nextStamp(site.updated_at);
  await Website.update({ ...values, updated_at, ...(deleted ? { deleted_at: updated_at } : {}) }, { where: { id: site.id }, silent: true, transaction });
  await site.reload({ transaction, paranoid: false });
  await announce(site, transaction, deleted);
}

/** Site writes run one after the other (see the `website_write_lock` migration). */
const serialized = <T>(work: (transaction: Transaction) => Promise<T>) =>
  db.sequelize.transaction(async (transaction) => {
    await db.sequelize.query('SELECT id FROM website_write_lock WHERE id = 1 FOR UPDATE', { transaction });
    return work(transaction);
  });

async function checkDomainFree(domain: string, exceptId: number | undefined, transaction: Transaction) {
  const taken = await Website.findOne({ where: { domain, ...(exceptId ? { id: { [Op.ne]: exceptId } } : {}) }, transaction });
  if (taken) throw conflict('A website with this domain already exists.');
}

/** Unsets the default of every other site (before the new default is written), each change announced. */
async function releaseDefault(newDefaultId: number | undefined, transaction: Transaction) {
  const previous = await Website.findAll({ where: { is_default: true, ...(newDefaultId ? { id: { [Op.ne]: newDefaultId } } : {}) }, transaction });
  for (const old of previous) await change(old, { is_default: false }, transaction);
}

function domainOf(input: string): string {
  const domain = normalizeDomain(input);
  if (!domain) throw fieldError('domain', 'The domain must be a host name, such as shop.example.com (no scheme, path or port).');
  return domain;
}

const requireActiveDefault = (site: { is_active: boolean; is_default: boolean }) => {
  if (site.is_default && !site.is_active) throw invalid({ is_active: ['The default website must be active.'] });
};

type NewWebsite = WebsiteInput & { name: string; domain: string };

/** A new site; the first active one (when there is no default) becomes the default. */
export const createWebsite = (input: NewWebsite): Promise<number> => serialized((transaction) => insertWebsite(input, transaction));

/**
 * The default site of a fresh installation (seeds.ts), made and announced like any other; null,
 * and nothing written, when a live site is already the default or already has that domain.
 */
export const createInstallationDefault = (input: NewWebsite): Promise<number | null> =>
  serialized(async (transaction) => {
    const taken = await Website.count({ where: { [Op.or]: [{ is_default: true }, { domain: domainOf(input.domain) }] }, transaction });
    return taken ? null : insertWebsite({ ...input, is_active: true, is_default: true }, transaction);
  });

async function insertWebsite(input: NewWebsite, transaction: Transaction): Promise<number> {
  const domain = domainOf(input.domain);
  const settings = mergeSettings(DEFAULT_SETTINGS, input.settings);
  await checkDomainFree(domain, undefined, transaction);
  const isActive = input.is_active ?? true;
  const hasDefault = (await Website.count({ where: { is_default: true }, transaction })) > 0;
  const isDefault = input.is_default ?? (isActive && !hasDefault);
  requireActiveDefault({ is_active: isActive, is_default: isDefault });
  if (isDefault) await releaseDefault(undefined, transaction);
  const site = await Website.create({ name: input.name.trim(), domain, is_active: isActive, is_default: isDefault, settings }, { transaction });
  await announce(site, transaction);
  return site.id;
}

/** Changes only what is sent; settings are merged part by part. */
export async function updateWebsite(id: number, input: WebsiteInput): Promise<void> {
  const domain = input.domain === undefined ? undefined : domainOf(input.domain);
  await serialized(async (transaction) => {
    const site = await websiteOr404(id, transaction);
    if (domain !== undefined) await checkDomainFree(domain, id, transaction);
    const values = {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(domain !== undefined ? { domain } : {}),
      ...(input.is_active !== undefined ? { is_active: input.is_active } : {}),
      ...(input.is_default !== undefined ? { is_default: input.is_default } : {}),
      ...(input.settings !== undefined ? { settings: mergeSettings(site.settings, input.settings) } : {}),
    };
    requireActiveDefault({ is_active: values.is_active ?? site.is_active, is_default: values.is_default ?? site.is_default });
    if (values.is_default === true && !site.is_default) await releaseDefault(site.id, transaction);
    await change(site, values, transaction);
  });
}

/** A soft delete; deleting the default leaves no default until another site is made one. */
export async function deleteWebsite(id: number): Promise<void> {
  await serialized(async (transaction) => {
    const site = await websiteOr404(id, transaction);
    await change(site, {}, transaction, true);
  });
}

/**
 * The site serving a host: the active site with that domain (or its `www.` twin, the exact one
 * first), else the default site; null when neither exists.
 */
export async function siteServing(host: string | undefined): Promise<{ site: Website; matched: 'domain' | 'default' } | null> {
  if (host) {
    const [site] = await Website.findAll({
      where: { domain: [host, wwwVariant(host)], is_active: true },
      order: [[db.sequelize.literal(`domain = ${db.sequelize.escape(host)}`), 'DESC']],
      limit: 1,
    });
    if (site) return { site, matched: 'domain' };
  }
  const fallback = await Website.findOne({ where: { is_default: true, is_active: true } });
  return fallback ? { site: fallback, matched: 'default' } : null;
}
