import { sql } from "drizzle-orm";
import type { RateLimitStore } from "tollgate";
import type { Database } from "./database";
import { rateLimits } from "./schema";

export interface DrizzleRateLimitStoreOptions {
  /** Clock in milliseconds (tests pass a fake one). @default Date.now */
  now?: () => number;
}

/**
 * A `RateLimitStore` on the `rate_limits` table, so a limit of N per window holds across every
 * instance instead of multiplying with their number. Each hit is one statement: start the key's
 * window, count into it, or start the next one once it ended. The row lock orders concurrent hits,
 * so none is lost. Rows of ended windows are overwritten on the key's next hit; delete old ones with
 * a periodic job if your keys are many (`DELETE FROM rate_limits WHERE reset_at < now()`).
 *
 * @example
 * createCheckoutRoute({ …, rateLimit: { limit: 10, windowMs: 60_000, store: createDrizzleRateLimitStore(db) } });
 */
export function createDrizzleRateLimitStore(db: Database, options: DrizzleRateLimitStoreOptions = {}): RateLimitStore {
  const now = options.now ?? Date.now;
  return {
    async hit(key, windowMs) {
      const at = new Date(now());
      const ended = sql`${rateLimits.resetAt} <= ${at.toISOString()}::timestamptz`;
      const [row] = await db
        .insert(rateLimits)
        .values({ key, count: 1, resetAt: new Date(at.getTime() + windowMs) })
        .onConflictDoUpdate({
          target: rateLimits.key,
          set: {
            count: sql`CASE WHEN ${ended} THEN 1 ELSE ${rateLimits.count} + 1 END`,
            resetAt: sql`CASE WHEN ${ended} THEN excluded.reset_at ELSE ${rateLimits.resetAt} END`,
          },
        })
        .returning({ count: rateLimits.count, resetAt: rateLimits.resetAt });
      if (row === undefined) throw new Error("rate_limits: the upsert returned no row");
      return { count: row.count, resetAt: row.resetAt.getTime() };
    },
  };
}
