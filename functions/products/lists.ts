import { ShortLived } from '../kit';
import { listCacheMs } from './config';

/**
 * Product lists are the hottest reads and counting 10,000 products costs the database several
 * times what a page does: the totals of every list, and the public pages themselves, are reused
 * for a moment (config.ts: 1 s) and computed once for concurrent requests of the same list.
 * Every product change announces itself by an event (events.ts), which forgets them all when its
 * transaction commits; another replica's changes show within that delay.
 */
export const listTotals = new ShortLived<number>(listCacheMs);
export const publicPages = new ShortLived<unknown>(listCacheMs);

export function forgetLists() {
  listTotals.clear();
  publicPages.clear();
}
