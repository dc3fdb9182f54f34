import { drizzle } from "drizzle-orm/node-postgres";
import type { SqlQuery } from "tollgate/security";
import * as schema from "./schema";

/**
 * The app's database: node-postgres with a pool, created on first use so that `next build` (which
 * imports every route) never needs DATABASE_URL.
 */
export function createDatabase(connectionString = process.env.DATABASE_URL) {
  return drizzle({ connection: { connectionString, max: Number(process.env.DATABASE_POOL_MAX ?? 10) }, schema });
}

// One pool per server process, kept across `next dev` hot reloads.
const globalForDb = globalThis as unknown as { db?: ReturnType<typeof createDatabase> };

export const db = globalForDb.db ?? createDatabase();
if (process.env.NODE_ENV !== "production") globalForDb.db = db;

/**
 * How tollgate's PostgreSQL stores (idempotency, rate limits) run their statements: on the pool
 * under Drizzle, which binds `$1, $2, …` parameters (`db.execute(sql.raw(…))` cannot). Their tables
 * come from drizzle/0002_tollgate_stores.sql.
 */
export const query: SqlQuery = (text, params) => db.$client.query(text, params);
