import type { Pool } from "pg";
import type { SqlQuery } from "tollgate/security";
import { db } from "./client";

/**
 * One SQL statement on the app's node-postgres pool, for tollgate's PostgreSQL stores
 * (`createPostgresCursorStore(query)`, …): `db.$client` is the pool `./client` created.
 */
export const query: SqlQuery = (text, params) => (db as unknown as { $client: Pool }).$client.query(text, params);
