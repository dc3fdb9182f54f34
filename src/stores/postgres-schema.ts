import { cursorSchema } from "./postgres-cursor.js";
import { idempotencySchema } from "./postgres-idempotency.js";
import { tableName } from "./postgres-query.js";
import { rateLimitSchema } from "./postgres-rate-limit.js";

/** The table names of the three PostgreSQL stores, as passed to each store's `table` option. */
export interface PostgresStoreTables {
  /** @default "tollgate_idempotency" */
  idempotency?: string;
  /** @default "tollgate_rate_limits" */
  rateLimits?: string;
  /** @default "tollgate_cursors" */
  cursors?: string;
}

/**
 * The SQL that creates the tables of all three PostgreSQL stores (idempotency, rate limits, cursors),
 * as plain idempotent statements (`CREATE … IF NOT EXISTS`): paste it into a migration, or run it
 * once from your setup script. Pass the same table names you give the stores.
 *
 * @example
 * import { postgresStoreSchema } from "tollgate/security";
 * await pool.query(postgresStoreSchema()); // or: fs.writeFileSync("migrations/0002_tollgate.sql", postgresStoreSchema())
 */
export function postgresStoreSchema(tables: PostgresStoreTables = {}): string {
  return [
    idempotencySchema(tableName(tables.idempotency, "tollgate_idempotency")),
    rateLimitSchema(tableName(tables.rateLimits, "tollgate_rate_limits")),
    cursorSchema(tableName(tables.cursors, "tollgate_cursors")),
  ].join("");
}
