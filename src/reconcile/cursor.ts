import type { CursorStore } from "../stores/types.js";
import { storeCall } from "../stores/with-timeout.js";
import type { ReconcileMode } from "./summary.js";

/** Names under which the sweeps keep their cursors in the `CursorStore`. */
export const CURSOR_NAMES: Record<ReconcileMode, string> = {
  events: "stripe-reconcile:events",
  subscriptions: "stripe-reconcile:subscriptions",
};

/**
 * Events: `events:<unix seconds>`: every event created before that second is done; events of that
 * second and later are listed again (those already done come back as duplicates).
 */
export function eventsCursor(seconds: number): string {
  return `events:${seconds}`;
}

export function readEventsCursor(value: string | null): number | null {
  const match = value === null ? null : /^events:(\d{1,12})$/.exec(value);
  return match ? Number(match[1]) : null;
}

/**
 * Subscriptions: `subscriptions:<id>`: the walk resumes after that subscription;
 * `subscriptions:end`: the last walk finished, the next one starts from the newest.
 */
export const SUBSCRIPTIONS_END = "subscriptions:end";

export function subscriptionsCursor(afterId: string | null): string {
  return afterId === null ? SUBSCRIPTIONS_END : `subscriptions:${afterId}`;
}

/** The id to resume after; null to start a walk from the newest subscription. */
export function readSubscriptionsCursor(value: string | null): string | null {
  const match = value === null ? null : /^subscriptions:(sub_[A-Za-z0-9_]{1,250})$/.exec(value);
  return match ? (match[1] as string) : null;
}

/** Reads and writes one sweep's cursor; a failing or slow store is 503 `STORE_UNAVAILABLE`. */
export function cursorOf(store: CursorStore, mode: ReconcileMode) {
  const name = CURSOR_NAMES[mode];
  return {
    get: () => storeCall(() => store.get(name)),
    set: (value: string) => storeCall(() => store.set(name, value)),
  };
}
