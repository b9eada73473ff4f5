import { env, log, type Seed } from '../kit';
import { normalizeDomain } from './domains';
import { createInstallationDefault } from './websites';

/**
 * The site of a fresh installation, so that GET /config answers from the first start: SITE_NAME
 * on SITE_DOMAIN, active and default, announced through the outbox like any new site (baskets and
 * deliveries take its shipping settings from that event). An installation that already has a
 * default site, or a site on that domain, keeps what it has. A bad value fails the migration.
 */
async function seedDefaultSite() {
  const name = env('SITE_NAME', 'Shop').trim();
  const given = env('SITE_DOMAIN', 'localhost');
  const domain = normalizeDomain(given);
  if (!name || name.length > 255) throw new Error('SITE_NAME must be 1 to 255 characters, not only spaces.');
  if (!domain) throw new Error(`SITE_DOMAIN "${given}" is not a host name: give one such as shop.example.com (no scheme, path or port).`);
  const id = await createInstallationDefault({ name, domain });
  if (id) log.info({ website_id: id, domain }, 'default website created');
  else log.info({ domain }, 'default website not created: there is one already, or a site on this domain');
}

export const seeds: Seed[] = [{ name: '001-default-site', run: seedDefaultSite }];
