import {
  assertQuery,
  milliseconds,
  type PostgresStoreOptions,
  rowsOf,
  type SqlQuery,
  type TableName,
  tableName,
  withSchema,
} from "./postgres-query.js";
import type { RateLimitStore } from "./types.js";

/** A `RateLimitStore` on a PostgreSQL table, with the SQL of that table. */
export interface PostgresRateLimitStore extends RateLimitStore {
  /** `CREATE TABLE IF NOT EXISTS …` and its index, for this store's table: put it in a migration. */
  readonly schema: string;
  /**
   * Deletes the counters of windows that have ended (the key's next hit would start over anyway).
   * Run it from a periodic job if many distinct clients hit the limited routes.
   * @returns how many rows were deleted
   */
  sweep(): Promise<number>;
}

/** The SQL that creates a rate-limit store's table (`tollgate_rate_limits` by default). */
export function rateLimitSchema(table: TableName): string {
  return `CREATE TABLE IF NOT EXISTS ${table.sql} (
  key text PRIMARY KEY,
  count integer NOT NULL,
  reset_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ${table.index("reset_at_idx")} ON ${table.sql} (reset_at);
`;
}

/**
 * Fixed-window rate-limit counters on PostgreSQL, shared by every instance that uses the database: a
 * limit of N per window holds across all of them instead of multiplying with their number. Each hit
 * is one statement (start the key's window, count into it, or start the next one once it ended);
 * the row lock orders concurrent hits, so none is lost.
 *
 * Windows are measured on the database's clock (`now()`); `resetAt` is this instance's clock plus
 * the time the database says is left, so `Retry-After` is right even on an instance whose clock is
 * off. A failing query answers 503 `STORE_UNAVAILABLE` (fail closed).
 *
 * @param query runs one statement: `(text, params) => pool.query(text, params)` for `pg`; see
 *   {@link SqlQuery} for postgres.js, Neon, Drizzle and Prisma
 * @example
 * import postgres from "postgres";
 * const sql = postgres(process.env.DATABASE_URL!);
 * const store = createPostgresRateLimitStore((text, params) => sql.unsafe(text, params));
 * createCheckoutRoute({ …, rateLimit: { limit: 10, windowMs: 60_000, store } });
 */
export function createPostgresRateLimitStore(
  query: SqlQuery,
  options: PostgresStoreOptions = {},
): PostgresRateLimitStore {
  assertQuery(query, "createPostgresRateLimitStore");
  const table = tableName(options.table, "tollgate_rate_limits");
  const schema = rateLimitSchema(table);
  const run = withSchema(query, schema, options.createTable);
  const t = table.sql;
  const hitSql = `INSERT INTO ${t} AS r (key, count, reset_at)
VALUES ($1::text, 1, now() + $2::float8 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN r.reset_at <= now() THEN 1 ELSE r.count + 1 END,
  reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
RETURNING count::int AS count, (extract(epoch FROM reset_at - now()) * 1000)::float8 AS ms_left`;
  const sweepSql = `WITH swept AS (DELETE FROM ${t} WHERE reset_at <= now() RETURNING 1) SELECT count(*)::int AS n FROM swept`;

  return {
    schema,
    async hit(key, windowMs) {
      const window = milliseconds(windowMs, "windowMs");
      const [row] = rowsOf(await run(hitSql, [key, window]));
      const count = Number(row?.count);
      const left = Number(row?.ms_left);
      if (!Number.isInteger(count) || !Number.isFinite(left)) {
        throw new Error(`unexpected reply from the rate-limit statement: ${JSON.stringify(row)}`);
      }
      return { count, resetAt: Date.now() + Math.max(0, Math.round(left)) };
    },
    async sweep() {
      const [row] = rowsOf(await run(sweepSql, []));
      return Number(row?.n ?? 0);
    },
  };
}
