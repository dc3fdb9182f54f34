import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import pg from "pg";
import { createDatabase, migrate } from "../support/postgres.js";

/** A database the app under test reaches by URL, as it would reach production's. */
export interface ServedDatabase {
  url: string;
  /** What the app needs in its environment beside DATABASE_URL. */
  appEnv: Record<string, string>;
  /** The test's own connection, for row checks and injected failures. */
  sql: pg.Client;
  close(): Promise<void>;
}

export interface DatabaseServer {
  name: "PGlite" | "PostgreSQL";
  skip: string | false;
  open(prefix: string): Promise<ServedDatabase>;
}

/**
 * Embedded PostgreSQL served on 127.0.0.1 by pglite-socket: the app connects with node-postgres as it
 * would to a server, no server installed.
 *
 * PGlite runs one session. The socket server multiplexes connections onto it and keeps an open
 * transaction to the connection that began it, but not an extended-protocol exchange outside one: two
 * connections' Parse/Bind messages interleave ("bind message supplies 9 parameters, but prepared
 * statement "" requires 1"). So the app gets a pool of one connection here; concurrent requests still
 * race for claims and transactions, queued on that connection. Parallel sessions are what the
 * PostgreSQL run covers.
 */
async function openPglite(): Promise<Opened> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 64 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    appEnv: { DATABASE_POOL_MAX: "1" },
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

type Opened = Pick<ServedDatabase, "url" | "appEnv" | "close">;

async function served(open: () => Promise<Opened>, script: string): Promise<ServedDatabase> {
  const database = await open();
  try {
    await migrate(script, database.url);
  } catch (error) {
    await database.close();
    throw error;
  }
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  return {
    url: database.url,
    appEnv: database.appEnv,
    sql,
    async close() {
      await sql.end();
      await database.close();
    },
  };
}

/** The two servers, each schema applied by the example's own migration script. */
export function databaseServers(script: string): DatabaseServer[] {
  return [
    { name: "PGlite", skip: false, open: () => served(openPglite, script) },
    {
      name: "PostgreSQL",
      skip: process.env.DATABASE_URL ? false : "skipped: set DATABASE_URL to run against a real PostgreSQL",
      open: (prefix) =>
        served(async () => {
          const { url, drop } = await createDatabase(prefix);
          return { url, appEnv: {}, close: drop };
        }, script),
    },
  ];
}
