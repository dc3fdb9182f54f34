import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import * as drizzleClerk from "../../examples/nextjs-drizzle/lib/db/clerk-handlers";
import type { Database as DrizzleDatabase } from "../../examples/nextjs-drizzle/lib/db/database";
import * as drizzleSchema from "../../examples/nextjs-drizzle/lib/db/schema";
import * as drizzleSubscriptions from "../../examples/nextjs-drizzle/lib/db/subscriptions";
import * as drizzleUsers from "../../examples/nextjs-drizzle/lib/db/users";
import { PrismaClient } from "../../examples/nextjs-prisma/generated/prisma/client";
import * as prismaClerk from "../../examples/nextjs-prisma/lib/db/clerk-handlers";
import * as prismaSubscriptions from "../../examples/nextjs-prisma/lib/db/subscriptions";
import * as prismaUsers from "../../examples/nextjs-prisma/lib/db/users";
import type {
  CheckoutDatabaseAdapter,
  IdempotencyStore,
  RateLimitStore,
  SubscriptionData,
  SubscriptionDatabaseAdapter,
  WebhookDatabaseAdapter,
} from "../../src/index.js";
import { createPostgresIdempotencyStore, createPostgresRateLimitStore, type SqlQuery } from "../../src/security.js";
import { createDatabase, migrate } from "../support/postgres.js";

const examples = fileURLToPath(new URL("../../examples/", import.meta.url));

/** One example's adapters, bound to one database connection: what an app instance builds at start. */
export interface Adapters {
  clerk: ReturnType<typeof prismaClerk.clerkUserHandlers>;
  /** tollgate's PostgreSQL idempotency store, through the example's hand-over (`lib/db/client.ts`, `lib/db/prisma.ts`). */
  store(): IdempotencyStore;
  /** tollgate's PostgreSQL rate-limit store, the same way. */
  rateLimitStore(): RateLimitStore;
  subscriptions: WebhookDatabaseAdapter;
  upsertSubscription(data: SubscriptionData): Promise<{ applied: boolean }>;
  users: CheckoutDatabaseAdapter;
  status: SubscriptionDatabaseAdapter;
}

/** A fresh database with an example's schema, and that example's adapters on it. */
export interface TestDatabase extends Adapters {
  /** SQL outside the ORM: row checks, and triggers that make the database fail on purpose. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Empties every table. */
  reset(): Promise<void>;
  /**
   * Adapters on a second, separately constructed client (its own connection pool on PostgreSQL):
   * another instance of the app sharing the database.
   */
  instance(): Adapters;
  close(): Promise<void>;
}

type Orm = "prisma" | "drizzle";

export interface DatabaseKind {
  /** "Prisma on PGlite", "Drizzle on PostgreSQL", … */
  name: string;
  orm: Orm;
  server: "PGlite" | "PostgreSQL";
  /** Why this kind does not run here, if it does not. */
  skip: string | false;
  open(): Promise<TestDatabase>;
}

const TABLES =
  "credit_transactions, subscriptions, webhook_events, users, tollgate_idempotency, tollgate_rate_limits, tollgate_cursors";

function prismaAdapters(prisma: PrismaClient): Adapters {
  // The hand-over of examples/nextjs-prisma/lib/db/prisma.ts.
  const query: SqlQuery = (text, params) => prisma.$queryRawUnsafe(text, ...params);
  return {
    clerk: prismaClerk.clerkUserHandlers(prisma),
    store: () => createPostgresIdempotencyStore(query),
    rateLimitStore: () => createPostgresRateLimitStore(query),
    subscriptions: prismaSubscriptions.subscriptionAdapter(prisma),
    upsertSubscription: (data) => prismaSubscriptions.upsertSubscription(prisma, data),
    users: prismaUsers.userAdapter(prisma),
    status: prismaUsers.subscriptionStatusAdapter(prisma),
  };
}

/** `query`: the hand-over of examples/nextjs-drizzle/lib/db/client.ts, `db.$client.query(text, params)`. */
function drizzleAdapters(db: DrizzleDatabase, query: SqlQuery): Adapters {
  return {
    clerk: drizzleClerk.clerkUserHandlers(db),
    store: () => createPostgresIdempotencyStore(query),
    rateLimitStore: () => createPostgresRateLimitStore(query),
    subscriptions: drizzleSubscriptions.subscriptionAdapter(db),
    upsertSubscription: (data) => drizzleSubscriptions.upsertSubscription(db, data),
    users: drizzleUsers.userAdapter(db),
    status: drizzleUsers.subscriptionStatusAdapter(db),
  };
}

function prismaMigrations(): string[] {
  const dir = `${examples}nextjs-prisma/prisma/migrations/`;
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => readFileSync(dir + name, "utf8"));
}

/** Embedded PostgreSQL (WASM): no server. Both "instances" share the one in-process database. */
async function openPglite(orm: Orm): Promise<TestDatabase> {
  const db = await PGlite.create();
  let connect: () => { adapters: Adapters; close(): Promise<void> };
  if (orm === "prisma") {
    for (const sql of prismaMigrations()) await db.exec(sql);
    connect = () => {
      const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
      return { adapters: prismaAdapters(prisma), close: () => prisma.$disconnect() };
    };
  } else {
    const migrationsFolder = `${examples}nextjs-drizzle/drizzle`;
    await migratePglite(drizzlePglite({ client: db }), { migrationsFolder });
    connect = () => {
      const drizzle = drizzlePglite({ client: db, schema: drizzleSchema });
      return {
        adapters: drizzleAdapters(drizzle, (text, params) => drizzle.$client.query(text, params)),
        close: async () => {},
      };
    };
  }
  return database(connect, {
    query: async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows,
    close: () => db.close(),
  });
}

/**
 * A database of its own on the server at DATABASE_URL, schema applied by the example's own script
 * (`scripts/setup-db.mjs` for Prisma, `scripts/migrate.mjs` for Drizzle), reached through the
 * driver the app uses, and dropped by close().
 */
async function openPostgres(orm: Orm): Promise<TestDatabase> {
  const { url, drop } = await createDatabase(`tollgate_${orm}`);
  const script = orm === "prisma" ? "nextjs-prisma/scripts/setup-db.mjs" : "nextjs-drizzle/scripts/migrate.mjs";
  await migrate(examples + script, url);
  // A pool, not one client: the convergence test hands this query to stores that run concurrently,
  // and pg deprecates queueing queries on one client.
  const client = new pg.Pool({ connectionString: url, max: 4 });
  const connect =
    orm === "prisma"
      ? () => {
          const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
          return { adapters: prismaAdapters(prisma), close: () => prisma.$disconnect() };
        }
      : () => {
          const db = drizzlePg({ connection: { connectionString: url }, schema: drizzleSchema });
          const query: SqlQuery = (text, params) => db.$client.query(text, params);
          return { adapters: drizzleAdapters(db, query), close: () => db.$client.end() };
        };
  return database(connect, {
    query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
    close: async () => {
      await client.end();
      await drop();
    },
  });
}

function database(
  connect: () => { adapters: Adapters; close(): Promise<void> },
  raw: Pick<TestDatabase, "query" | "close">,
): TestDatabase {
  const connections = [connect()];
  const main = (connections[0] as { adapters: Adapters }).adapters;
  return {
    ...main,
    query: raw.query,
    reset: async () => void (await raw.query(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`)),
    instance() {
      const connection = connect();
      connections.push(connection);
      return connection.adapters;
    },
    async close() {
      for (const connection of connections) await connection.close();
      await raw.close();
    },
  };
}

const noServer = process.env.DATABASE_URL ? false : "skipped: set DATABASE_URL to run against a real PostgreSQL";

export const DATABASES: DatabaseKind[] = (["prisma", "drizzle"] as const).flatMap((orm) => {
  const label = orm === "prisma" ? "Prisma" : "Drizzle";
  return [
    { name: `${label} on PGlite`, orm, server: "PGlite", skip: false, open: () => openPglite(orm) },
    { name: `${label} on PostgreSQL`, orm, server: "PostgreSQL", skip: noServer, open: () => openPostgres(orm) },
  ];
});
