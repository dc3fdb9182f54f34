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
 * Only completed ids count against `max`. Claims in progress live apart and are never evicted: a
 * burst of other ids cannot push out a claim and let a concurrent copy of its event run twice.
 *
 * @example
 * createWebhookRoute({ …, idempotency: { store: createMemoryIdempotencyStore({ max: 50_000 }) } });
 */
export function createMemoryIdempotencyStore(options: MemoryStoreOptions = {}): IdempotencyStore {
  const now = options.now ?? Date.now;
  const max = resolveMax(options.max);
  // id → end of its duplicate window, least recently used evicted at max.
  const done = new LRUCache<string, number>({ max });
  // id → end of its lease. As many as requests in progress; leases a hung request left behind are
  // swept once there are more than max of them. The next sweep waits until the map has doubled
  // since, so many live claims cost an amortised constant per claim, not a scan per claim.
  const inFlight = new Map<string, number>();
  let sweepAt = max;
  const sweep = (current: number) => {
    for (const [key, leaseEnd] of inFlight) if (leaseEnd <= current) inFlight.delete(key);
    sweepAt = Math.max(max, inFlight.size * 2);
  };
  return {
    async claim(key, leaseMs): Promise<ClaimResult> {
      const current = now();
      const doneUntil = done.get(key);
      if (doneUntil !== undefined && doneUntil > current) return "duplicate";
      const leaseEnd = inFlight.get(key);
      if (leaseEnd !== undefined && leaseEnd > current) return "in-flight";
      if (inFlight.size >= sweepAt) sweep(current);
      inFlight.set(key, current + leaseMs);
      return "claimed";
    },
    async complete(key, ttlMs) {
      inFlight.delete(key);
      done.set(key, now() + ttlMs);
    },
    async release(key) {
      inFlight.delete(key);
    },
  };
}
