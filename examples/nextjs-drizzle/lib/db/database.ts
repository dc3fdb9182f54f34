import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

/**
 * Any Drizzle PostgreSQL database over this schema: node-postgres in the app (`./client`), PGlite
 * in the tests and `npm run demo`, or postgres-js / Neon if you use those. The adapters use only
 * the query builder, never a driver's result shape, so they run unchanged on each.
 */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
