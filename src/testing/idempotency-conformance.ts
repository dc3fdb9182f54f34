import type { IdempotencyStore } from "../stores/types.js";
import { type ConformanceOptions, expired, LONG_MS, PARALLEL, type StoreFactory, suite } from "./conformance.js";

/**
 * Registers the cases every `IdempotencyStore` must pass: claim, in-flight, duplicate, release,
 * lease and TTL expiry, and concurrency (of 50 parallel claims of one id exactly one wins). Run it
 * against your own store (a database table, another cache) before you trust it with webhooks.
 *
 * @param name shown in the suite's title
 * @param factory builds the store for a case (called once per case)
 * @example
 * import { describe, expect, it } from "vitest";
 * import { idempotencyStoreConformance } from "tollgate/testing";
 * idempotencyStoreConformance("postgres", () => createPgIdempotencyStore(pool), { describe, it, expect });
 */
export function idempotencyStoreConformance<S extends IdempotencyStore>(
  name: string,
  factory: StoreFactory<S>,
  options: ConformanceOptions<S>,
): void {
  suite(`${name}: IdempotencyStore conformance`, factory, options, {
    "claims an id nobody holds": async ({ store, key, equal }) => {
      equal(await store.claim(key(), LONG_MS), "claimed", "first claim");
    },
    "answers in-flight while a claim is held": async ({ store, key, equal }) => {
      const id = key();
      await store.claim(id, LONG_MS);
      equal(await store.claim(id, LONG_MS), "in-flight", "second claim");
      equal(await store.claim(id, LONG_MS), "in-flight", "third claim");
    },
    "answers duplicate once completed": async ({ store, key, equal }) => {
      const id = key();
      await store.claim(id, LONG_MS);
      await store.complete(id, LONG_MS);
      equal(await store.claim(id, LONG_MS), "duplicate", "claim after complete");
      equal(await store.claim(id, LONG_MS), "duplicate", "claim after complete, again");
    },
    "lets the next claim through after release": async ({ store, key, equal }) => {
      const id = key();
      await store.claim(id, LONG_MS);
      await store.release(id);
      equal(await store.claim(id, LONG_MS), "claimed", "claim after release");
    },
    "keeps a completed id a duplicate when released": async ({ store, key, equal }) => {
      const id = key();
      await store.claim(id, LONG_MS);
      await store.complete(id, LONG_MS);
      await store.release(id);
      equal(await store.claim(id, LONG_MS), "duplicate", "claim after complete and release");
    },
    "ignores the release of an id never claimed": async ({ store, key, equal }) => {
      const id = key();
      await store.release(id);
      equal(await store.claim(id, LONG_MS), "claimed", "claim after a stray release");
    },
    "frees an id once its lease expires (a crashed holder)": async ({ store, key, equal, wait, short }) => {
      const id = key();
      equal(await store.claim(id, short), "claimed", "short claim");
      equal(await store.claim(id, LONG_MS), "in-flight", "claim within the lease");
      await wait(expired(short));
      equal(await store.claim(id, LONG_MS), "claimed", "claim after the lease");
    },
    "forgets a completed id after its TTL": async ({ store, key, equal, wait, short }) => {
      const id = key();
      await store.claim(id, LONG_MS);
      await store.complete(id, short);
      equal(await store.claim(id, LONG_MS), "duplicate", "claim within the TTL");
      await wait(expired(short));
      equal(await store.claim(id, LONG_MS), "claimed", "claim after the TTL");
    },
    "keeps a completed id for its TTL, not its lease": async ({ store, key, equal, wait, short }) => {
      const id = key();
      await store.claim(id, short);
      await store.complete(id, LONG_MS);
      await wait(expired(short));
      equal(await store.claim(id, LONG_MS), "duplicate", "claim after the lease");
    },
    [`grants exactly one of ${PARALLEL} concurrent claims of one id`]: async ({ store, key, equal }) => {
      const id = key();
      const results = await Promise.all(Array.from({ length: PARALLEL }, () => store.claim(id, LONG_MS)));
      equal(results.filter((r) => r === "claimed").length, 1, "claimed");
      equal(results.filter((r) => r === "in-flight").length, PARALLEL - 1, "in-flight");
    },
    [`answers duplicate to ${PARALLEL} concurrent claims of a completed id`]: async ({ store, key, equal }) => {
      const id = key();
      await store.claim(id, LONG_MS);
      await store.complete(id, LONG_MS);
      const results = await Promise.all(Array.from({ length: PARALLEL }, () => store.claim(id, LONG_MS)));
      equal(results.filter((r) => r === "duplicate").length, PARALLEL, "duplicates");
    },
    "keeps distinct ids independent": async ({ store, key, equal }) => {
      const [a, b, c] = [key(), key(), key()];
      const all = await Promise.all([a, b, c].map((id) => store.claim(id, LONG_MS)));
      equal(all, ["claimed", "claimed", "claimed"], "concurrent claims of distinct ids");
      await store.complete(a, LONG_MS);
      await store.release(b);
      equal(await store.claim(a, LONG_MS), "duplicate", "completed id");
      equal(await store.claim(b, LONG_MS), "claimed", "released id");
      equal(await store.claim(c, LONG_MS), "in-flight", "untouched id");
    },
  });
}
