import type { CursorStore } from "../stores/types.js";
import { type ConformanceOptions, PARALLEL, type StoreFactory, suite } from "./conformance.js";

/**
 * Registers the cases every `CursorStore` must pass: null for a name never set, the last value set
 * wins, names are independent, values come back byte for byte (unicode, long strings), and after
 * concurrent sets the value is one of those set.
 *
 * @example
 * cursorStoreConformance("postgres", () => createPostgresCursorStore(query), { describe, it, expect });
 */
export function cursorStoreConformance<S extends CursorStore>(
  name: string,
  factory: StoreFactory<S>,
  options: ConformanceOptions<S>,
): void {
  suite(`${name}: CursorStore conformance`, factory, options, {
    "answers null for a name never set": async ({ store, key, equal }) => {
      equal(await store.get(key()), null, "get of an unknown name");
    },
    "keeps the last value set": async ({ store, key, equal }) => {
      const id = key();
      await store.set(id, "events:1764460800");
      equal(await store.get(id), "events:1764460800", "first value");
      await store.set(id, "events:1764464400");
      equal(await store.get(id), "events:1764464400", "replaced value");
      await store.set(id, "events:1764460800");
      equal(await store.get(id), "events:1764460800", "an older value set later wins too");
    },
    "keeps names apart": async ({ store, key, equal }) => {
      const [a, b] = [key(), key()];
      await store.set(a, "a");
      await store.set(b, "b");
      equal([await store.get(a), await store.get(b)], ["a", "b"], "two names");
    },
    "returns values exactly as set": async ({ store, key, equal }) => {
      const values = [
        "",
        "1764460800", // digits only: a client that decodes replies as JSON must not turn it into a number
        "subscriptions:sub_1MowQVLkdIwHu7ixeRlqHVzs",
        "ünïcødé ✓ 'quoted' \"double\"",
        "x".repeat(2048),
      ];
      for (const value of values) {
        const id = key();
        await store.set(id, value);
        equal(await store.get(id), value, `value of length ${value.length}`);
      }
    },
    [`ends with one of ${PARALLEL} concurrent values`]: async ({ store, key, check }) => {
      const id = key();
      const values = Array.from({ length: PARALLEL }, (_, i) => `events:${1_764_460_800 + i}`);
      await Promise.all(values.map((value) => store.set(id, value)));
      const last = await store.get(id);
      check(last !== null && values.includes(last), `after concurrent sets the value is one of them, got ${last}`);
    },
  });
}
