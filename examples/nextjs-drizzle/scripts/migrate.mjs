#!/usr/bin/env node
// Applies the migrations in drizzle/ (plain SQL, written by `npm run db:generate`) that DATABASE_URL
// has not seen yet, recorded in drizzle.__drizzle_migrations. Safe to run on every deploy.
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("migrate: set DATABASE_URL (postgres://user@host:port/database)");
  process.exit(1);
}

const db = drizzle({ connection: { connectionString: url, max: 1 } });
try {
  await migrate(db, { migrationsFolder: new URL("../drizzle", import.meta.url).pathname });
  console.log("migrate: up to date");
} finally {
  await db.$client.end();
}
