/** A value the PostgreSQL stores bind to a `$n` placeholder: they send only strings and numbers. */
export type SqlParameter = string | number | null;

/** One result row, by column name. */
export type SqlRow = Record<string, unknown>;

/**
 * Runs one SQL statement with `$1`, `$2`, … placeholders bound to `params`, and resolves to its rows,
 * either as an array or as `{ rows }`. Every PostgreSQL client hands one over in a line:
 *
 * | client | `query` |
 * |---|---|
 * | `pg` (`Pool` or `Client`), Neon's `Pool` | `(text, params) => pool.query(text, params)` |
 * | `postgres` (postgres.js) | `(text, params) => sql.unsafe(text, params)` |
 * | Neon's `neon()` (HTTP) | `(text, params) => sql.query(text, params)` |
 * | Drizzle | `(text, params) => db.$client.query(text, params)` (node-postgres, PGlite, Neon) or `db.$client.unsafe(text, params)` (postgres.js) |
 * | Prisma | `(text, params) => prisma.$queryRawUnsafe(text, ...params)` |
 * | PGlite | `(text, params) => pglite.query(text, params)` |
 *
 * The stores read only `text`, `integer` and `double precision` columns, which every one of these
 * decodes to JavaScript strings and numbers. Each call is one statement, outside any transaction of yours.
 */
export type SqlQuery = (
  text: string,
  params: SqlParameter[],
) => Promise<readonly SqlRow[] | { readonly rows: readonly SqlRow[] }>;

/** Options every PostgreSQL store takes. */
export interface PostgresStoreOptions {
  /**
   * The table the store keeps its rows in: a lowercase SQL identifier (`[a-z_][a-z0-9_]*`, at most
   * 48 characters), optionally schema-qualified (`billing.tollgate_idempotency`). Anything else is a
   * `TypeError` at creation: the name is written into the SQL, so it is checked, never escaped.
   * @default "tollgate_idempotency", "tollgate_rate_limits" or "tollgate_cursors"
   */
  table?: string;
  /**
   * Create the table (and its index) on first use, if it does not exist. Concurrent first uses from
   * several instances are serialised by an advisory lock, so they cannot collide. Leave it off when
   * your migrations apply the store's `schema` (the database user then needs no DDL rights).
   * @default false
   */
  createTable?: boolean;
}

/** A store's table name, checked and quoted, plus how to name things derived from it. */
export interface TableName {
  /** Quoted, ready for SQL: `"tollgate_idempotency"` or `"billing"."tollgate_idempotency"`. */
  sql: string;
  /** A quoted name for an index of this table: `"tollgate_idempotency_expires_at_idx"`. */
  index(suffix: string): string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,47}$/;

/** Checks a `table` option; throws a TypeError naming the rule. */
export function tableName(table: unknown, fallback: string): TableName {
  const name = table === undefined ? fallback : table;
  const parts = typeof name === "string" ? name.split(".") : [];
  if (parts.length < 1 || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new TypeError(
      `tollgate: table must be a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 48 characters), optionally schema-qualified; received ${JSON.stringify(table)}`,
    );
  }
  const quote = (part: string) => `"${part}"`;
  const base = parts[parts.length - 1] as string;
  // An index lives in its table's schema, and its name cannot be qualified.
  return { sql: parts.map(quote).join("."), index: (suffix) => quote(`${base}_${suffix}`) };
}

/** Checks the `query` argument of a store factory. */
export function assertQuery(query: unknown, factory: string): asserts query is SqlQuery {
  if (typeof query !== "function") {
    throw new TypeError(
      `tollgate: ${factory} needs a query function, (text, params) => rows, e.g. (text, params) => pool.query(text, params)`,
    );
  }
}

/** The rows of a result in either shape; anything else is a driver mix-up worth a clear error. */
export function rowsOf(result: unknown): readonly SqlRow[] {
  if (Array.isArray(result)) return result;
  const rows = (result as { rows?: unknown } | null | undefined)?.rows;
  if (Array.isArray(rows)) return rows;
  throw new TypeError("tollgate: the query function must resolve to an array of rows or to { rows }");
}

/**
 * A store's `sweep`: deletes the rows of `table` whose `column` (a time) has passed on the
 * database's clock, in one statement, and resolves to how many it deleted.
 */
export function expiredRowsSweep(run: SqlQuery, table: TableName, column: string): () => Promise<number> {
  const sql = `WITH swept AS (DELETE FROM ${table.sql} WHERE ${column} <= now() RETURNING 1) SELECT count(*)::int AS n FROM swept`;
  return async () => {
    const [row] = rowsOf(await run(sql, []));
    return Number(row?.n ?? 0);
  };
}

/** A duration in milliseconds as the positive finite number the SQL multiplies into an interval. */
export function milliseconds(ms: number, name: string): number {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`tollgate: ${name} must be a positive number of milliseconds`);
  }
  return Math.ceil(ms);
}

/**
 * Wraps `query` so that, with `createTable`, the first call creates the schema first. The DDL runs as
 * one `DO` block holding a transaction-scoped advisory lock: concurrent `CREATE TABLE IF NOT EXISTS`
 * from several instances would otherwise race on the catalog and one of them fail. The "already
 * exists, skipping" notices are silenced (postgres.js would print them on every start).
 */
export function withSchema(query: SqlQuery, schema: string, createTable: unknown): SqlQuery {
  if (createTable === undefined || createTable === false) return query;
  if (createTable !== true) throw new TypeError("tollgate: createTable must be a boolean");
  const ddl = `DO $tollgate$ BEGIN
PERFORM pg_advisory_xact_lock(hashtext('tollgate: create tables'));
SET LOCAL client_min_messages = warning;
${schema}
END $tollgate$`;
  let ready: Promise<unknown> | undefined;
  return async (text, params) => {
    // A failed attempt (database down) is forgotten, so the next call tries again.
    ready ??= query(ddl, []).catch((error) => {
      ready = undefined;
      throw error;
    });
    await ready;
    return query(text, params);
  };
}
