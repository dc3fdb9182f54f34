import type { RateLimitStore } from "tollgate";
import type { PrismaClient } from "../../generated/prisma/client";

export interface PrismaRateLimitStoreOptions {
  /** Clock in milliseconds (tests pass a fake one). @default Date.now */
  now?: () => number;
}

/**
 * A `RateLimitStore` on the `rate_limits` table, so a limit of N per window holds across every
 * instance instead of multiplying with their number. Each hit is one statement: start the key's
 * window, count into it, or start the next one once it ended. The row lock orders concurrent hits,
 * so none is lost. Prisma's `upsert` cannot express the conditional update, hence `$queryRaw`.
 *
 * @example
 * createCheckoutRoute({ …, rateLimit: { limit: 10, windowMs: 60_000, store: createPrismaRateLimitStore(prisma) } });
 */
export function createPrismaRateLimitStore(
  prisma: PrismaClient,
  options: PrismaRateLimitStoreOptions = {},
): RateLimitStore {
  const now = options.now ?? Date.now;
  return {
    async hit(key, windowMs) {
      const at = new Date(now());
      const resetAt = new Date(at.getTime() + windowMs);
      const [row] = await prisma.$queryRaw<{ count: number; reset_at: Date }[]>`
        INSERT INTO rate_limits AS r (key, count, reset_at) VALUES (${key}, 1, ${resetAt}::timestamptz)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN r.reset_at <= ${at}::timestamptz THEN 1 ELSE r.count + 1 END,
          reset_at = CASE WHEN r.reset_at <= ${at}::timestamptz THEN EXCLUDED.reset_at ELSE r.reset_at END
        RETURNING count, reset_at`;
      if (row === undefined) throw new Error("rate_limits: the upsert returned no row");
      return { count: Number(row.count), resetAt: new Date(row.reset_at).getTime() };
    },
  };
}
