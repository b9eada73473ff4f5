import { listCacheMs } from './config';

/**
 * Product lists are the hottest reads and counting 10,000 products costs the database several
 * times what a page does: the totals of every list, and the public pages themselves, are reused
 * for a moment (config.ts: 1 s) and computed once for concurrent requests of the same list.
 * Every product change announces itself by an event (events.ts), which forgets them all when its
 * transaction commits; another replica's changes show within that delay.
 */
class ShortLived<T> {
  private readonly entries = new Map<string, { value: Promise<T>; until: number }>();

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.value;
    if (this.entries.size >= 10_000) this.entries.clear();
    const value = compute();
    this.entries.set(key, { value, until: now + listCacheMs() });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  clear() {
    this.entries.clear();
  }
}

export const listTotals = new ShortLived<number>();
export const publicPages = new ShortLived<unknown>();

export function forgetLists() {
  listTotals.clear();
  publicPages.clear();
}
