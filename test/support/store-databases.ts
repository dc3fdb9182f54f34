import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { postgresStoreSchema, type SqlQuery } from "../../src/security.js";
import { createDatabase } from "./postgres.js";

/**
 * A database clock the test moves: `tollgate_clock.now()` is `pg_catalog.now()` plus a skew kept in a
 * table, and a session whose search_path lists `tollgate_clock` before `pg_catalog` resolves the
 * stores' unqualified `now()` to it. Nothing in the stores changes: they keep asking the database.
 */
const CLOCK = `CREATE SCHEMA tollgate_clock;
CREATE TABLE tollgate_clock.skew (ms float8 NOT NULL);
INSERT INTO tollgate_clock.skew VALUES (0);
CREATE FUNCTION tollgate_clock.now() RETURNS timestamptz LANGUAGE sql STABLE
  AS $$ SELECT pg_catalog.now() + (SELECT ms FROM tollgate_clock.skew) * interval '1 millisecond' $$;`;
const CLOCK_PATH = "tollgate_clock, pg_catalog, public";

/** A database with the stores' schema applied, and "app instances" connected to it. */
export interface StoreDatabase {
  /** A new app instance's query function: its own pool on PostgreSQL, the one session on PGlite. */
  instance(): SqlQuery;
  /** Test-side SQL (row checks, DDL). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Moves the database's clock forward (databases opened with `clock: true` only). */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface StoreServer {
  name: "PGlite" | "PostgreSQL";
  skip: string | false;
  /** Short lease/TTL for real-time conformance runs: room for a loaded machine (CI runs suites in parallel). */
  shortMs: number;
  open(options?: { clock?: boolean }): Promise<StoreDatabase>;
}

async function openPglite({ clock = false } = {}): Promise<StoreDatabase> {
  const db = await PGlite.create();
  if (clock) await db.exec(`${CLOCK} SET search_path TO ${CLOCK_PATH};`);
  await db.exec(postgresStoreSchema());
  return {
    instance: () => (text, params) => db.query(text, params),
    // Without parameters several statements may run at once, as on a server's simple protocol.
    sql: async <T>(text: string, params: unknown[] = []) =>
      params.length > 0 ? (await db.query<T>(text, params)).rows : (((await db.exec(text)).at(-1)?.rows ?? []) as T[]),
    advance: async (ms) => void (await db.query("UPDATE tollgate_clock.skew SET ms = ms + $1", [ms])),
    close: () => db.close(),
  };
}

async function openPostgres({ clock = false } = {}): Promise<StoreDatabase> {
  const { url, drop } = await createDatabase("tollgate_stores");
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  if (clock) await admin.query(CLOCK);
  await admin.query(postgresStoreSchema());
  const pools: pg.Pool[] = [];
  const options = clock ? `-c search_path=${CLOCK_PATH.replaceAll(" ", "")}` : undefined;
  return {
    instance() {
      const pool = new pg.Pool({ connectionString: url, max: 5, options });
      pools.push(pool);
      return (text, params) => pool.query(text, params);
    },
    sql: async <T>(text: string, params: unknown[] = []) => (await admin.query(text, params)).rows as T[],
    advance: async (ms) => void (await admin.query("UPDATE tollgate_clock.skew SET ms = ms + $1", [ms])),
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
      await admin.end();
      await drop();
    },
  };
}

export const STORE_SERVERS: StoreServer[] = [
  { name: "PGlite", skip: false, shortMs: 250, open: openPglite },
  {
    name: "PostgreSQL",
    skip: process.env.DATABASE_URL ? false : "skipped: set DATABASE_URL to run against a real PostgreSQL",
    shortMs: 250,
    open: openPostgres,
  },
];
