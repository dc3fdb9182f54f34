import type { CursorStore } from "./types.js";

/**
 * Cursors in process memory: the reconcile route's default. A restart (or each serverless cold
 * start) forgets them, so the next sweep starts `lookbackSeconds` back and meets what it already
 * applied as duplicates; use the PostgreSQL or Redis cursor store to keep them.
 *
 * @example
 * createStripeReconcileRoute({ …, cursor: createMemoryCursorStore() });
 */
export function createMemoryCursorStore(): CursorStore {
  const values = new Map<string, string>();
  return {
    async get(name) {
      return values.get(name) ?? null;
    },
    async set(name, value) {
      if (typeof value !== "string") throw new TypeError("tollgate: a cursor value must be a string");
      values.set(name, value);
    },
  };
}
