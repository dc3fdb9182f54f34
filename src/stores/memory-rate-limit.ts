import { LRUCache } from "lru-cache";
import { type MemoryStoreOptions, resolveMax } from "./memory-idempotency.js";
import type { RateLimitHit, RateLimitStore } from "./types.js";

/**
 * A fixed-window counter in process memory (per instance: with N instances the effective limit is
 * N × limit; use the Redis store to share it). Keys beyond `max` evict the least recently used.
 *
 * @example
 * rateLimit: { limit: 100, windowMs: 60_000, store: createMemoryRateLimitStore({ max: 50_000 }) }
 */
export function createMemoryRateLimitStore(options: MemoryStoreOptions = {}): RateLimitStore {
  const now = options.now ?? Date.now;
  const windows = new LRUCache<string, RateLimitHit>({ max: resolveMax(options.max) });
  return {
    async hit(key, windowMs) {
      const current = now();
      const window = windows.get(key);
      if (window === undefined || window.resetAt <= current) {
        const fresh = { count: 1, resetAt: current + windowMs };
        windows.set(key, fresh);
        return { ...fresh };
      }
      window.count += 1;
      return { ...window };
    },
  };
}
