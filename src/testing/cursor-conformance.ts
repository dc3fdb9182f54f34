import type { CursorStore } from "../stores/types.js";
import { type ConformanceOptions, PARALLEL, type StoreFactory, suite } from "./conformance.js";

/**
 * Registers the cases every `CursorStore` must pass: `null` for a name never set, the last value set
 * wins, names are independent, values come back exactly (digits stay strings, long and non-ASCII
 * values survive), and concurrent sets leave one of the values written.
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
      equal(await store.get(key()), null, "unset cursor");
    },
    "answers the last value set": async ({ store, key, equal }) => {
      const id = key();
      await store.set(id, "evt_1");
      equal(await store.get(id), "evt_1", "after the first set");
      await store.set(id, "evt_2");
      equal(await store.get(id), "evt_2", "after the second set");
    },
    "keeps names independent": async ({ store, key, equal }) => {
      const [a, b] = [key(), key()];
      await store.set(a, "events:1733000000");
      equal(await store.get(b), null, "other name");
      await store.set(b, "subscriptions:sub_9");
      equal([await store.get(a), await store.get(b)], ["events:1733000000", "subscriptions:sub_9"], "both");
    },
    "returns values exactly as set": async ({ store, key, equal }) => {
      const values = ["1733000000", "0", "", "null", '{"after":"evt_1"}', "é 🧾 ✓", "x".repeat(4096)];
      for (const value of values) {
        const id = key();
        await store.set(id, value);
        equal(await store.get(id), value, `value ${JSON.stringify(value.slice(0, 20))}`);
      }
    },
    [`keeps one of ${PARALLEL} concurrent sets`]: async ({ store, key, equal, check }) => {
      const id = key();
      const values = Array.from({ length: PARALLEL }, (_, i) => `evt_${i}`);
      await Promise.all(values.map((value) => store.set(id, value)));
      const stored = await store.get(id);
      check(stored !== null && values.includes(stored), `stored ${JSON.stringify(stored)} is not one of the sets`);
      equal(await store.get(id), stored, "a second read");
    },
  });
}
