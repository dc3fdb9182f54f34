import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { Pool as NeonPool, neon, neonConfig } from "@neondatabase/serverless";
import { PrismaPg } from "@prisma/adapter-pg";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgresJs } from "drizzle-orm/postgres-js";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { PrismaClient } from "../examples/nextjs-prisma/generated/prisma/client";
import {
  createPostgresCursorStore,
  createPostgresIdempotencyStore,
  createPostgresRateLimitStore,
  type SqlQuery,
} from "../src/security.js";
import { cursorStoreConformance, idempotencyStoreConformance, rateLimitStoreConformance } from "../src/testing.js";
import { type NeonStandIns, startNeonStandIns } from "./support/neon.js";
import { createDatabase } from "./support/postgres.js";

/** A database reached by URL, and (on PGlite) the in-process instance behind it. */
interface Served {
  url: string;
  /** Connections per pool: pglite-socket interleaves two connections' extended-protocol messages. */
  max: number;
  pglite?: PGlite;
  close(): Promise<void>;
}

const SERVERS: Array<{ name: string; skip: string | false; shortMs: number; open(): Promise<Served> }> = [
  {
    name: "PGlite (pglite-socket)",
    skip: false,
    shortMs: 250,
    async open() {
      const pglite = await PGlite.create();
      const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port: 0, maxConnections: 64 });
      await server.start();
      return {
        url: `postgres://postgres@${server.getServerConn()}/postgres`,
        max: 1,
        pglite,
        async close() {
          await server.stop();
          await pglite.close();
        },
      };
    },
  },
  {
    name: "PostgreSQL",
    skip: process.env.DATABASE_URL ? false : "skipped: set DATABASE_URL to run against a real PostgreSQL",
    shortMs: 250,
    async open() {
      const { url, drop } = await createDatabase("tollgate_drivers");
      return { url, max: 5, close: drop };
    },
  },
];

type Connected = { query: SqlQuery; close(): unknown };

/** Each client, connected as an app would, and its one-line hand-over, exactly as docs/postgres-stores.md shows it. */
const DRIVERS: Array<{
  name: string;
  pgliteOnly?: boolean;
  /** One connection that pg 9 will no longer let run concurrent queries: the hand-over case only. */
  serial?: boolean;
  connect(db: Served, neon: NeonStandIns): Connected;
}> = [
  {
    name: "pg Pool",
    connect({ url, max }) {
      const pool = new pg.Pool({ connectionString: url, max });
      return { query: (text, params) => pool.query(text, params), close: () => pool.end() };
    },
  },
  {
    name: "pg Client",
    serial: true,
    connect({ url }) {
      const client = new pg.Client({ connectionString: url });
      const connected = client.connect();
      return {
        query: async (text, params) => {
          await connected;
          return client.query(text, params);
        },
        close: () => client.end(),
      };
    },
  },
  {
    name: "postgres (postgres.js)",
    connect({ url, max }) {
      const sql = postgres(url, { max });
      return { query: (text, params) => sql.unsafe(text, params), close: () => sql.end() };
    },
  },
  {
    name: "Neon neon() over HTTP (local stand-in endpoint)",
    connect({ url }, stand) {
      neonConfig.fetchEndpoint = stand.fetchEndpoint;
      const sql = neon(url);
      return { query: (text, params) => sql.query(text, params), close: () => {} };
    },
  },
  {
    name: "Neon Pool over WebSocket (local stand-in proxy)",
    connect({ url, max }) {
      const pool = new NeonPool({ connectionString: url, max });
      return { query: (text, params) => pool.query(text, params), close: () => pool.end() };
    },
  },
  {
    name: "Drizzle on node-postgres",
    connect({ url, max }) {
      const db = drizzleNodePg({ connection: { connectionString: url, max } });
      return { query: (text, params) => db.$client.query(text, params), close: () => db.$client.end() };
    },
  },
  {
    name: "Drizzle on postgres.js",
    connect({ url, max }) {
      const db = drizzlePostgresJs({ connection: { url, max } });
      return { query: (text, params) => db.$client.unsafe(text, params), close: () => db.$client.end() };
    },
  },
  {
    name: "Drizzle on PGlite",
    pgliteOnly: true,
    connect({ pglite }) {
      const db = drizzlePglite({ client: pglite as PGlite });
      return { query: (text, params) => db.$client.query(text, params), close: () => {} };
    },
  },
  {
    name: "Prisma (adapter-pg)",
    connect({ url, max }) {
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
      return { query: (text, params) => prisma.$queryRawUnsafe(text, ...params), close: () => prisma.$disconnect() };
    },
  },
  {
    name: "Prisma (PGlite adapter)",
    pgliteOnly: true,
    connect({ pglite }) {
      const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite as PGlite) });
      return { query: (text, params) => prisma.$queryRawUnsafe(text, ...params), close: () => prisma.$disconnect() };
    },
  },
  {
    name: "PGlite",
    pgliteOnly: true,
    connect({ pglite }) {
      const db = pglite as PGlite;
      return { query: (text, params) => db.query(text, params), close: () => {} };
    },
  },
];

const runner = { describe, it, expect };

describe.each(SERVERS)(
  "the one-line hand-over of each PostgreSQL client, on $name",
  ({ name, skip, shortMs, open }) => {
    if (skip) {
      console.warn(`[tollgate] PostgreSQL clients, ${name}: ${skip}`);
      it.skip(skip, () => {});
      return;
    }
    let db: Served;
    let stand: NeonStandIns;
    beforeAll(async () => {
      db = await open();
      stand = await startNeonStandIns(db.url);
      neonConfig.webSocketConstructor = WebSocket;
      neonConfig.wsProxy = stand.wsProxy;
      neonConfig.useSecureWebSocket = false;
      neonConfig.pipelineConnect = false;
    });
    afterAll(async () => {
      await stand?.close();
      await db?.close();
    });

    const drivers = DRIVERS.filter((driver) => !driver.pgliteOnly || name.startsWith("PGlite"));
    describe.each(drivers)("$name", (driver) => {
      let connected: Connected;
      // Tables of this client's own, created by the stores themselves (createTable) through it.
      const prefix = `client${DRIVERS.indexOf(driver)}`;
      const options = (table: string) => ({ table: `${prefix}${table}`, createTable: true });
      beforeAll(() => {
        connected = driver.connect(db, stand);
      });
      afterAll(() => connected?.close());

      it("creates the tables, claims, counts and remembers through it", async () => {
        const { query } = connected;
        const idem = createPostgresIdempotencyStore(query, options("_idem"));
        expect(await idem.claim("stripe:evt_1", 60_000)).toBe("claimed");
        expect(await idem.claim("stripe:evt_1", 60_000)).toBe("in-flight");
        await idem.complete("stripe:evt_1", 60_000);
        expect(await idem.claim("stripe:evt_1", 60_000)).toBe("duplicate");
        expect(await idem.claim("clerk:msg_1", 60_000)).toBe("claimed");
        await idem.release("clerk:msg_1");
        expect(await idem.claim("clerk:msg_1", 60_000)).toBe("claimed");

        const limits = createPostgresRateLimitStore(query, options("_limits"));
        const before = Date.now();
        const [first, second] = [await limits.hit("ip", 60_000), await limits.hit("ip", 60_000)];
        expect([first.count, second.count]).toEqual([1, 2]);
        expect(first.resetAt).toBeGreaterThanOrEqual(before + 60_000 - 1_000);
        expect(first.resetAt).toBeLessThanOrEqual(Date.now() + 60_000 + 1_000);

        const cursors = createPostgresCursorStore(query, options("_cursors"));
        expect(await cursors.get("stripe:events")).toBe(null);
        await cursors.set("stripe:events", "1733000000");
        expect(await cursors.get("stripe:events")).toBe("1733000000");
      });

      if (driver.serial) return;
      idempotencyStoreConformance(
        "idempotency",
        () => createPostgresIdempotencyStore(connected.query, options("_idem")),
        {
          ...runner,
          shortMs,
        },
      );
      rateLimitStoreConformance(
        "rate limits",
        () => createPostgresRateLimitStore(connected.query, options("_limits")),
        {
          ...runner,
          shortMs,
        },
      );
      cursorStoreConformance("cursors", () => createPostgresCursorStore(connected.query, options("_cursors")), runner);
    });
  },
);
