/** Result of claiming an event id. */
export type ClaimResult = "claimed" | "duplicate" | "in-flight";

/**
 * Where processed and in-flight event ids are remembered. Implementations: memory (one instance),
 * Redis (shared), your database (durable, exactly-once with your writes).
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for `leaseMs` milliseconds. `"claimed"`: process it. `"duplicate"`: it was completed
   * before. `"in-flight"`: another request holds an unexpired claim. A claim whose lease has expired
   * (its holder crashed) can be claimed again.
   */
  claim(key: string, leaseMs: number): Promise<ClaimResult>;
  /** Marks `key` processed; it stays a duplicate for at least `ttlMs` milliseconds. */
  complete(key: string, ttlMs: number): Promise<void>;
  /** Drops this request's claim after a failure, so the sender's retry is processed. */
  release(key: string): Promise<void>;
}

/** Result of counting one request in a fixed window. */
export interface RateLimitHit {
  /** Requests counted in the current window, including this one. */
  count: number;
  /** When the current window ends, in milliseconds since the epoch. */
  resetAt: number;
}

/** Counts requests per key in fixed windows. */
export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
}

/**
 * Where a reconcile sweep remembers how far it got, by name (`"stripe-reconcile:events"`,
 * `"stripe-reconcile:subscriptions"`). Values are opaque strings; a store keeps the last one set.
 * Implementations: memory (one instance), PostgreSQL and Redis (shared, survive restarts).
 */
export interface CursorStore {
  /** The value last set under `name`, or null if none was. */
  get(name: string): Promise<string | null>;
  /** Replaces the value under `name`. */
  set(name: string, value: string): Promise<void>;
}
