import type { ClaimResult, IdempotencyStore } from "./types.js";

/**
 * Puts a fast store (usually `createMemoryIdempotencyStore()`) in front of a durable, shared one
 * (Redis, your database). The durable store is the source of truth; the fast one only saves its
 * round trips for hot duplicates.
 *
 * - `claim`: a duplicate known to the fast store answers `"duplicate"` at once, without a call to
 *   the durable store; otherwise the durable store decides (`"claimed"`, `"duplicate"` or
 *   `"in-flight"`), whatever the fast store said. A fast store that throws is skipped.
 * - `complete`: writes both (in parallel); only a durable failure rejects.
 * - `release`: releases both; fast-store failures are ignored.
 *
 * Security: the fast store can only add duplicates, never grant a claim, so it cannot cause an event
 * to be processed twice; a durable store that fails still answers 503 `STORE_UNAVAILABLE`.
 *
 * @param fast checked first, per instance
 * @param durable shared by every instance; decides claims
 * @example
 * const store = layeredIdempotencyStore(
 *   createMemoryIdempotencyStore({ max: 10_000 }),
 *   createRedisIdempotencyStore(fromIoredis(redis)),
 * );
 * createWebhookRoute({ …, idempotency: { store } });
 */
export function layeredIdempotencyStore(fast: IdempotencyStore, durable: IdempotencyStore): IdempotencyStore {
  for (const [name, store] of [
    ["fast", fast],
    ["durable", durable],
  ] as const) {
    for (const method of ["claim", "complete", "release"] as const) {
      if (typeof store?.[method] !== "function") {
        throw new TypeError(`tollgate: layeredIdempotencyStore ${name} store needs a ${method} method`);
      }
    }
  }
  return {
    async claim(key, leaseMs) {
      const local = await quietly(() => fast.claim(key, leaseMs));
      if (local === "duplicate") return "duplicate";
      let result: ClaimResult;
      try {
        result = await durable.claim(key, leaseMs);
      } catch (error) {
        if (local === "claimed") await quietly(() => fast.release(key));
        throw error;
      }
      // The fast claim only mirrors a durable one: drop it when this request did not get the claim.
      if (result !== "claimed" && local === "claimed") await quietly(() => fast.release(key));
      return result;
    },
    async complete(key, ttlMs) {
      await Promise.all([durable.complete(key, ttlMs), quietly(() => fast.complete(key, ttlMs))]);
    },
    async release(key) {
      await Promise.all([durable.release(key), quietly(() => fast.release(key))]);
    },
  };
}

/** Runs a fast-store call; a throw or rejection resolves to `undefined` (the durable store decides). */
async function quietly<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}
