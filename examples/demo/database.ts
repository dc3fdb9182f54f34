// The demo's database: embedded PostgreSQL (PGlite, no server) with the schema and the adapters of
// examples/nextjs-drizzle, unchanged. The app runs the same adapters on node-postgres.
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { createPostgresIdempotencyStore } from "tollgate/security";
import { clerkUserHandlers } from "../nextjs-drizzle/lib/db/clerk-handlers";
import * as schema from "../nextjs-drizzle/lib/db/schema";
import { subscriptionAdapter } from "../nextjs-drizzle/lib/db/subscriptions";
import { subscriptionStatusAdapter, userAdapter } from "../nextjs-drizzle/lib/db/users";

export async function openDatabase() {
  const client = await PGlite.create();
  const db = drizzle({ client, schema });
  await migrate(db, { migrationsFolder: fileURLToPath(new URL("../nextjs-drizzle/drizzle", import.meta.url)) });
  return {
    clerk: clerkUserHandlers(db),
    users: userAdapter(db),
    status: subscriptionStatusAdapter(db),
    subscriptions: subscriptionAdapter(db),
    // tollgate's PostgreSQL store on the same database (its table from the example's migrations).
    idempotencyStore: createPostgresIdempotencyStore((text, params) => client.query(text, params)),
    /** Rows for the printout, straight from SQL. */
    rows: async (sql: string) => (await client.query<Record<string, unknown>>(sql)).rows,
    close: () => client.close(),
  };
}
