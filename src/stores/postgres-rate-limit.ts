import {
  assertQuery,
  expiredRowsSweep,
  milliseconds,
  type PostgresStoreOptions,
  rowsOf,
  type SqlQuery,
  type TableName,
  tableName,
  withSchema,
} from "./postgres-query.js";
import type { RateLimitStore } from "./types.js";

/** How long one estimate of the database clock's offset is used, in ms. */
const OFFSET_MAX_AGE_MS = 300_000;

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
 * Windows are measured on the database's clock (`now()`); `resetAt` is the window's end translated
 * to this instance's clock (the offset estimated from a round trip), so `Retry-After` is right even
 * on an instance whose clock is off. A failing query answers 503 `STORE_UNAVAILABLE` (fail closed).
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
RETURNING count::int AS count, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms,
  (extract(epoch FROM now()) * 1000)::float8 AS now_ms`;

  // How far the database's clock is ahead of this instance's, estimated from one round trip and
  // kept for a while: every hit of a window then reports the same resetAt (a fresh estimate per hit
  // would move it by that hit's latency), and it is this instance's time, so Retry-After is right.
  let offset: { ms: number; at: number } | undefined;
  return {
    schema,
    async hit(key, windowMs) {
      const window = milliseconds(windowMs, "windowMs");
      const sent = Date.now();
      const [row] = rowsOf(await run(hitSql, [key, window]));
      const received = Date.now();
      const [count, resetMs, nowMs] = [Number(row?.count), Number(row?.reset_ms), Number(row?.now_ms)];
      if (!Number.isInteger(count) || !Number.isFinite(resetMs) || !Number.isFinite(nowMs)) {
        throw new Error(`unexpected reply from the rate-limit statement: ${JSON.stringify(row)}`);
      }
      if (offset === undefined || received - offset.at > OFFSET_MAX_AGE_MS) {
        offset = { ms: nowMs - (sent + received) / 2, at: received };
      }
      return { count, resetAt: Math.round(resetMs - offset.ms) };
    },
    sweep: expiredRowsSweep(run, table, "reset_at"),
  };
}
