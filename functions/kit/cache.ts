/**
 * Answers reused for a moment: a hot read computed once for concurrent requests of the same key
 * and kept `ttlMs()` milliseconds (a failure is not kept). A change in this process `clear()`s
 * it when it commits; another replica's changes show within the delay.
 */
export class ShortLived<T> {
  private readonly entries = new Map<string, { value: Promise<T>; until: number }>();

  constructor(private readonly ttlMs: () => number, private readonly maxEntries = 10_000) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = compute();
    this.entries.set(key, { value, until: now + this.ttlMs() });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  clear() {
    this.entries.clear();
  }
}
