#!/usr/bin/env node
// Applies prisma/migrations/*.sql to DATABASE_URL in file-name order, each file once (recorded in
// _migrations), each in its own transaction. Plain SQL instead of `prisma migrate`, which needs the
// schema engine binary.
import { readdir, readFile } from "node:fs/promises";
import pg from "pg";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("setup-db: set DATABASE_URL (postgres://user@host:port/database)");
  process.exit(1);
}

const dir = new URL("../prisma/migrations/", import.meta.url);
const files = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  // Two setups at once (parallel CI jobs, several instances booting) apply each file once.
  await client.query("SELECT pg_advisory_lock(7424101)");
  await client.query(
    "CREATE TABLE IF NOT EXISTS _migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const { rows } = await client.query("SELECT name FROM _migrations");
  const applied = new Set(rows.map((row) => row.name));
  for (const name of files) {
    if (applied.has(name)) continue;
    await client.query("BEGIN");
    try {
      await client.query(await readFile(new URL(name, dir), "utf8"));
      await client.query("INSERT INTO _migrations (name) VALUES ($1)", [name]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw new Error(`setup-db: ${name} failed`, { cause: error });
    }
    console.log(`setup-db: applied ${name}`);
  }
  await client.query("SELECT pg_advisory_unlock(7424101)");
} finally {
  await client.end();
}
