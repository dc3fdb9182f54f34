import { LRUCache } from "lru-cache";
import type { ClaimResult, IdempotencyStore } from "./types.js";

export interface MemoryStoreOptions {
  /**
   * Most ids kept; beyond it the least recently used is evicted. An entry costs roughly 150–250
   * bytes, so the default is ≈ 2 MB. An evicted completed id would be processed again if redelivered,
   * so size it above the deliveries you receive within `ttlMs`.
   * @default 10_000
   */
  max?: number;
  /** Clock in milliseconds. @default Date.now */
  now?: () => number;
}

interface Entry {
  state: "in-flight" | "done";
  expiresAt: number;
}

export function resolveMax(max: number | undefined): number {
  if (max === undefined) return 10_000;
  if (!Number.isInteger(max) || max < 1) throw new TypeError("tollgate: max must be a positive integer");
  return max;
}

/**
 * The default idempotency store: an in-process LRU (per instance). Completed ids are duplicates for
 * `ttlMs`; an in-flight claim expires after its lease so a crashed request cannot block an event
 * forever. Use a Redis or database store when several instances receive webhooks.
 *
 * @example
 * createWebhookRoute({ …, idempotency: { store: createMemoryIdempotencyStore({ max: 50_000 }) } });
 */
export function createMemoryIdempotencyStore(options: MemoryStoreOptions = {}): IdempotencyStore {
  const now = options.now ?? Date.now;
  const entries = new LRUCache<string, Entry>({ max: resolveMax(options.max) });
  return {
    async claim(key, leaseMs): Promise<ClaimResult> {
      const current = now();
      const entry = entries.get(key);
      if (entry !== undefined && entry.expiresAt > current) return entry.state === "done" ? "duplicate" : "in-flight";
      entries.set(key, { state: "in-flight", expiresAt: current + leaseMs });
      return "claimed";
    },
    async complete(key, ttlMs) {
      entries.set(key, { state: "done", expiresAt: now() + ttlMs });
    },
    async release(key) {
      if (entries.peek(key)?.state === "in-flight") entries.delete(key);
    },
  };
}
