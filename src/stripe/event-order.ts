import { LRUCache } from "lru-cache";

/** Remembers, per subscription, the `created` time of the newest event applied in this instance. */
export interface EventOrder {
  /**
   * Claims the right to apply an event created at `created` (unix seconds) to `subscriptionId`:
   * false when a newer event was already applied (the event is stale), true otherwise, in which
   * case `created` becomes the newest. Same-second events are both applied: Stripe's timestamps are
   * whole seconds, so a tie says nothing about order.
   */
  claim(subscriptionId: string, created: number): boolean;
  /** Records an event that is applied whatever its age (a deletion), so older events after it are stale. */
  record(subscriptionId: string, created: number): void;
}

/**
 * A bounded, per-instance guard against out-of-order deliveries in payload mode. Claiming before the
 * write closes the window where an older event could slip in while a newer one is being written; if
 * the write fails, Stripe's retry carries the same `created` and ties are applied.
 *
 * @param max subscriptions remembered; the least recently used is forgotten. @default 10_000
 */
export function createEventOrder(max = 10_000): EventOrder {
  const newest = new LRUCache<string, number>({ max });
  return {
    claim(subscriptionId, created) {
      const last = newest.get(subscriptionId);
      if (last !== undefined && created < last) return false;
      // A tie leaves the entry as it is (the lookup above already made it the most recent).
      if (last === undefined || created > last) newest.set(subscriptionId, created);
      return true;
    },
    record(subscriptionId, created) {
      const last = newest.get(subscriptionId);
      if (last === undefined || created > last) newest.set(subscriptionId, created);
    },
  };
}
