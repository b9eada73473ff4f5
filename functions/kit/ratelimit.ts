import { redis } from './redis';

export interface WindowState {
  count: number;
  /** Seconds until the window resets. */
  resetIn: number;
}

/** Fixed-window counters: how many times a key was hit in its current window. */
export interface WindowCounters {
  hit(key: string, windowSeconds: number): Promise<WindowState>;
  peek(key: string): Promise<WindowState>;
  reset(key: string): Promise<void>;
  /** Takes one hit back (an attempt counted first that turned out fine); a window that ended stays ended. */
  forgive(key: string): Promise<void>;
}

const secondsLeft = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** In Redis, shared by every replica: one round trip per hit. */
export const redisCounters: WindowCounters = {
  async hit(key, windowSeconds) {
    const results = await redis().multi().incr(key).expire(key, windowSeconds, 'NX').pttl(key).exec();
    return { count: Number(results![0][1]), resetIn: secondsLeft(Number(results![2][1])) };
  },
  async peek(key) {
    const results = await redis().multi().get(key).pttl(key).exec();
    return { count: Number(results![0][1] ?? 0), resetIn: secondsLeft(Number(results![1][1])) };
  },
  async reset(key) {
    await redis().del(key);
  },
  async forgive(key) {
    // Only a live window: a DECR of an expired key would make one that never expires.
    await redis().eval("if redis.call('exists', KEYS[1]) == 1 then redis.call('decr', KEYS[1]) end", 1, key);
  },
};

/** In this process only: for a single replica, or a test. */
export function memoryCounters(): WindowCounters {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let nextSweep = 0;
  const current = (key: string, now: number) => {
    const window = windows.get(key);
    return window && window.resetAt > now ? window : undefined;
  };
  return {
    async hit(key, windowSeconds) {
      const now = Date.now();
      if (now > nextSweep) {
        for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k);
        nextSweep = now + 60_000;
      }
      let window = current(key, now);
      if (!window) windows.set(key, (window = { count: 0, resetAt: now + windowSeconds * 1000 }));
      window.count++;
      return { count: window.count, resetIn: secondsLeft(window.resetAt - now) };
    },
    async peek(key) {
      const now = Date.now();
      const window = current(key, now);
      return { count: window?.count ?? 0, resetIn: secondsLeft((window?.resetAt ?? now) - now) };
    },
    async reset(key) {
      windows.delete(key);
    },
    async forgive(key) {
      const window = current(key, Date.now());
      if (window) window.count--;
    },
  };
}
