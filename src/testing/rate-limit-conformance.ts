import type { RateLimitStore } from "../stores/types.js";
import { type ConformanceOptions, expired, LONG_MS, PARALLEL, type StoreFactory, suite } from "./conformance.js";

/**
 * Registers the cases every `RateLimitStore` must pass: counts within a window, a sensible
 * `resetAt`, a new window after `windowMs`, distinct keys, and 50 concurrent hits counted exactly.
 *
 * @example
 * rateLimitStoreConformance("redis", () => createRedisRateLimitStore(fromIoredis(redis)), { describe, it, expect });
 */
export function rateLimitStoreConformance<S extends RateLimitStore>(
  name: string,
  factory: StoreFactory<S>,
  options: ConformanceOptions<S>,
): void {
  suite(`${name}: RateLimitStore conformance`, factory, options, {
    "counts hits within a window, all ending windowMs after the first": async ({
      store,
      key,
      equal,
      check,
      now,
      short,
    }) => {
      const id = key();
      const before = now();
      const hits = [];
      for (let i = 0; i < 5; i++) hits.push(await store.hit(id, LONG_MS));
      const after = now();
      equal(
        hits.map((h) => h.count),
        [1, 2, 3, 4, 5],
        "counts",
      );
      for (const { resetAt } of hits) {
        check(
          resetAt >= before + LONG_MS - short && resetAt <= after + LONG_MS + short,
          `resetAt ${resetAt} is not ≈ ${before} + windowMs`,
        );
        check(Math.abs(resetAt - (hits[0]?.resetAt ?? 0)) <= short, "every hit of one window reports the same resetAt");
      }
    },
    "starts a new window after windowMs": async ({ store, key, equal, check, wait, short }) => {
      const id = key();
      const first = await store.hit(id, short);
      equal((await store.hit(id, short)).count, 2, "second hit");
      await wait(expired(short));
      const next = await store.hit(id, short);
      equal(next.count, 1, "first hit of the next window");
      check(next.resetAt > first.resetAt, "the next window ends later");
    },
    [`counts ${PARALLEL} concurrent hits exactly`]: async ({ store, key, equal }) => {
      const id = key();
      const hits = await Promise.all(Array.from({ length: PARALLEL }, () => store.hit(id, LONG_MS)));
      const counts = hits.map((h) => h.count).sort((x, y) => x - y);
      equal(
        counts,
        Array.from({ length: PARALLEL }, (_, i) => i + 1),
        "counts",
      );
    },
    "counts distinct keys separately": async ({ store, key, equal }) => {
      const [a, b] = [key(), key()];
      await store.hit(a, LONG_MS);
      await store.hit(a, LONG_MS);
      equal((await store.hit(b, LONG_MS)).count, 1, "other key");
      equal((await store.hit(a, LONG_MS)).count, 3, "first key");
    },
  });
}
