import { heldTokens } from "./held-tokens.js";
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
import type { ClaimResult, IdempotencyStore } from "./types.js";

/** An `IdempotencyStore` on a PostgreSQL table, with the SQL of that table. */
export interface PostgresIdempotencyStore extends IdempotencyStore {
  /** `CREATE TABLE IF NOT EXISTS …` and its index, for this store's table: put it in a migration. */
  readonly schema: string;
  /**
   * Deletes the rows whose lease or duplicate window has ended (a claim overwrites such a row anyway,
   * so this only reclaims space). Run it from a periodic job if your event volume is high.
   * @returns how many rows were deleted
   */
  sweep(): Promise<number>;
}

/** The SQL that creates an idempotency store's table (`tollgate_idempotency` by default). */
export function idempotencySchema(table: TableName): string {
  return `CREATE TABLE IF NOT EXISTS ${table.sql} (
  key text PRIMARY KEY,
  claim_token text,
  completed_at timestamptz,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ${table.index("expires_at_idx")} ON ${table.sql} (expires_at);
`;
}

const CLAIM_RESULTS: readonly string[] = ["claimed", "duplicate", "in-flight"] satisfies ClaimResult[];

/**
 * Idempotency store on PostgreSQL: every instance of the app that shares the database sees the same
 * claims and completed ids, and a processed id survives restarts and deploys. One row per key
 * (`stripe:evt_…`, `clerk:msg_…`); every operation is one statement.
 *
 * - `claim` inserts the row, or takes over one whose lease or duplicate window has ended; the row
 *   lock decides between concurrent claims, so exactly one of them answers `"claimed"`.
 * - `complete` marks the id processed for `ttlMs` (whoever holds the claim by then: the work is done).
 * - `release` deletes the row only while it still carries the random token of this instance's claim,
 *   so a late release cannot free a claim another instance took after the lease ran out.
 *
 * Leases and TTLs are measured on the database's clock (`now()`), never the app's: instances whose
 * clocks disagree still agree on whether a lease has ended. A failing query answers 503
 * `STORE_UNAVAILABLE` (fail closed).
 *
 * @param query runs one statement: `(text, params) => pool.query(text, params)` for `pg`; see
 *   {@link SqlQuery} for postgres.js, Neon, Drizzle and Prisma
 * @example
 * import { Pool } from "pg";
 * const pool = new Pool({ connectionString: process.env.DATABASE_URL });
 * const store = createPostgresIdempotencyStore((text, params) => pool.query(text, params));
 * createWebhookRoute({ …, idempotency: { store, ttlMs: 3 * 24 * 60 * 60 * 1000 } });
 */
export function createPostgresIdempotencyStore(
  query: SqlQuery,
  options: PostgresStoreOptions = {},
): PostgresIdempotencyStore {
  assertQuery(query, "createPostgresIdempotencyStore");
  const table = tableName(options.table, "tollgate_idempotency");
  const schema = idempotencySchema(table);
  const run = withSchema(query, schema, options.createTable);
  const t = table.sql;
  const held = heldTokens();
  const claimSql = `WITH claimed AS (
  INSERT INTO ${t} AS t (key, claim_token, completed_at, expires_at)
  VALUES ($1::text, $2::text, NULL, now() + $3::float8 * interval '1 millisecond')
  ON CONFLICT (key) DO UPDATE
    SET claim_token = EXCLUDED.claim_token, completed_at = NULL, expires_at = EXCLUDED.expires_at
    WHERE t.expires_at <= now()
  RETURNING 1
)
SELECT CASE
  WHEN EXISTS (SELECT 1 FROM claimed) THEN 'claimed'
  WHEN EXISTS (SELECT 1 FROM ${t} WHERE key = $1::text AND completed_at IS NOT NULL) THEN 'duplicate'
  ELSE 'in-flight'
END AS result`;
  const completeSql = `INSERT INTO ${t} AS t (key, claim_token, completed_at, expires_at)
VALUES ($1::text, NULL, now(), now() + $2::float8 * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE
  SET claim_token = NULL, completed_at = EXCLUDED.completed_at, expires_at = EXCLUDED.expires_at
RETURNING 1 AS done`;
  const releaseSql = `DELETE FROM ${t} WHERE key = $1::text AND claim_token = $2::text AND completed_at IS NULL RETURNING 1 AS released`;

  return {
    schema,
    async claim(key, leaseMs) {
      const lease = milliseconds(leaseMs, "leaseMs");
      const token = crypto.randomUUID();
      // A claim that was not "claimed" (or that failed) left no token of ours in the row.
      const [row] = rowsOf(await run(claimSql, [key, token, lease]));
      const result = row?.result;
      if (typeof result !== "string" || !CLAIM_RESULTS.includes(result)) {
        throw new Error(`unexpected reply from the claim statement: ${JSON.stringify(row)}`);
      }
      if (result === "claimed") held.hold(key, token);
      return result as ClaimResult;
    },
    async complete(key, ttlMs) {
      const ttl = milliseconds(ttlMs, "ttlMs");
      held.take(key);
      await run(completeSql, [key, ttl]);
    },
    async release(key) {
      const token = held.take(key);
      if (token === undefined) return;
      await run(releaseSql, [key, token]);
    },
    sweep: expiredRowsSweep(run, table, "expires_at"),
  };
}
