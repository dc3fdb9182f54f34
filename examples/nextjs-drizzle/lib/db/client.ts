import { drizzle } from "drizzle-orm/node-postgres";
import type { Database } from "./database";
import * as schema from "./schema";

/**
 * The app's database: node-postgres with a pool, created on first use so that `next build` (which
 * imports every route) never needs DATABASE_URL.
 */
export function createDatabase(connectionString = process.env.DATABASE_URL): Database {
  return drizzle({ connection: { connectionString, max: Number(process.env.DATABASE_POOL_MAX ?? 10) }, schema });
}

// One pool per server process, kept across `next dev` hot reloads.
const globalForDb = globalThis as unknown as { db?: Database };

export const db: Database = globalForDb.db ?? createDatabase();
if (process.env.NODE_ENV !== "production") globalForDb.db = db;
