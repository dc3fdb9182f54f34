import { cursorName } from "./cursor-name.js";
import {
  assertQuery,
  type PostgresStoreOptions,
  rowsOf,
  type SqlQuery,
  type TableName,
  tableName,
  withSchema,
} from "./postgres-query.js";
import type { CursorStore } from "./types.js";

/** A `CursorStore` on a PostgreSQL table, with the SQL of that table. */
export interface PostgresCursorStore extends CursorStore {
  /** `CREATE TABLE IF NOT EXISTS …` for this store's table: put it in a migration. */
  readonly schema: string;
}

/** The SQL that creates a cursor store's table (`tollgate_cursors` by default). */
export function cursorSchema(table: TableName): string {
  return `CREATE TABLE IF NOT EXISTS ${table.sql} (
  name text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;
}

/**
 * Cursor store on PostgreSQL: the reconcile sweep's position survives restarts and is shared by every
 * instance, so a scheduled call picks up where the last one (on any instance) stopped. One row per
 * cursor name; `set` is one upsert, `get` one select.
 *
 * @param query runs one statement: `(text, params) => pool.query(text, params)` for `pg`; see
 *   {@link SqlQuery} for postgres.js, Neon, Drizzle and Prisma
 * @example
 * const cursor = createPostgresCursorStore((text, params) => prisma.$queryRawUnsafe(text, ...params));
 * createStripeReconcileRoute({ …, cursor });
 */
export function createPostgresCursorStore(query: SqlQuery, options: PostgresStoreOptions = {}): PostgresCursorStore {
  assertQuery(query, "createPostgresCursorStore");
  const table = tableName(options.table, "tollgate_cursors");
  const schema = cursorSchema(table);
  const run = withSchema(query, schema, options.createTable);
  const getSql = `SELECT value FROM ${table.sql} WHERE name = $1::text`;
  const setSql = `INSERT INTO ${table.sql} (name, value) VALUES ($1::text, $2::text)
ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
RETURNING 1 AS saved`;

  return {
    schema,
    async get(name) {
      const [row] = rowsOf(await run(getSql, [cursorName(name)]));
      if (row === undefined) return null;
      if (typeof row.value !== "string") throw new Error("unexpected reply from the cursor select");
      return row.value;
    },
    async set(name, value) {
      if (typeof value !== "string") throw new TypeError("tollgate: a cursor value must be a string");
      await run(setSql, [cursorName(name), value]);
    },
  };
}
