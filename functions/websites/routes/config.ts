import { fieldError, notFound, route } from '../../kit';
import { normalizeHost } from '../domains';
import { siteServing, websiteJson } from '../websites';

export const configRoutes = [
  route<{}, { domain?: string }>({
    method: 'GET', path: '/config', summary: 'The configuration of the active site serving `domain` (www. or not), else of the default site', access: 'public',
    query: { type: 'object', properties: { domain: { type: 'string', maxLength: 260 } } },
    handler: async ({ query }) => {
      const asked = query.domain?.trim() ? normalizeHost(query.domain) : undefined;
      if (asked === null) throw fieldError('domain', 'The domain must be a host name, such as shop.example.com.');
      const found = await siteServing(asked);
      if (!found) throw notFound('No website serves this domain and there is no default website.');
      return { ...websiteJson(found.site), matched: found.matched };
    },
  }),
];
