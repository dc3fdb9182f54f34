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
  function claimNow(key: string, leaseMs: number): ClaimResult {
    const current = now();
    const doneUntil = done.get(key);
    if (doneUntil !== undefined && doneUntil > current) return "duplicate";
    const leaseEnd = inFlight.get(key);
    if (leaseEnd !== undefined && leaseEnd > current) return "in-flight";
    if (inFlight.size >= sweepAt) sweep(current);
    inFlight.set(key, current + leaseMs);
    return "claimed";
  }
  function completeNow(key: string, ttlMs: number): void {
    inFlight.delete(key);
    done.set(key, now() + ttlMs);
  }
  function releaseNow(key: string): void {
    inFlight.delete(key);
  }
  const store: IdempotencyStore = {
    async claim(key, leaseMs) {
      return claimNow(key, leaseMs);
    },
    async complete(key, ttlMs) {
      completeNow(key, ttlMs);
    },
    async release(key) {
      releaseNow(key);
    },
  };
  const local: InProcessIdempotency = {
    claim: claimNow,
    complete: completeNow,
    release: releaseNow,
    store: { ...store },
  };
  // Not enumerable: a store spread into a new object with a method replaced is not this store.
  Object.defineProperty(store, IN_PROCESS, { value: local });
  return store;
}

const IN_PROCESS = Symbol("tollgate.in-process-idempotency");

/**
 * The memory store's operations without promises: nothing in them waits, so the idempotency layer
 * calls them directly instead of through a timed store call (two promises and a deadline each).
 */
export interface InProcessIdempotency {
  claim(key: string, leaseMs: number): ClaimResult;
  complete(key: string, ttlMs: number): void;
  release(key: string): void;
  /** The store's own methods, to tell whether someone replaced one since (a spy, a wrapper). */
  store: IdempotencyStore;
}

/**
 * The synchronous operations of a memory store whose methods are still its own, else undefined
 * (any other store, or a memory store with a method replaced: that one is called as given).
 */
export function inProcessOf(store: IdempotencyStore): InProcessIdempotency | undefined {
  const local = (store as IdempotencyStore & { [IN_PROCESS]?: InProcessIdempotency })[IN_PROCESS];
  if (local === undefined) return undefined;
  const own = local.store;
  return store.claim === own.claim && store.complete === own.complete && store.release === own.release
    ? local
    : undefined;
}
