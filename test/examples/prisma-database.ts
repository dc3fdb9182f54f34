import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../examples/nextjs-prisma/generated/prisma/client";

const example = new URL("../../examples/nextjs-prisma/", import.meta.url);

/** A fresh database with the example's schema, and a Prisma client on it. */
export interface TestDatabase {
  prisma: PrismaClient;
  /** SQL outside Prisma: row checks, and triggers that make the database fail on purpose. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Empties every table. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseKind {
  name: string;
  /** Why this kind does not run here, if it does not. */
  skip: string | false;
  open(): Promise<TestDatabase>;
}

const TABLES = "credit_transactions, subscriptions, webhook_events, users";

function migrations(): string[] {
  const dir = new URL("prisma/migrations/", example);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => readFileSync(new URL(name, dir), "utf8"));
}

/** Embedded PostgreSQL (WASM) through pglite-prisma-adapter: no server needed. */
async function openPglite(): Promise<TestDatabase> {
  const db = await PGlite.create();
  for (const sql of migrations()) await db.exec(sql);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    prisma,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await db.query<T>(sql, params)).rows;
    },
    async reset() {
      await db.exec(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    },
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

/**
 * A database of its own on the server at DATABASE_URL, schema applied by the example's setup
 * script, reached through @prisma/adapter-pg as the app does, and dropped by close().
 */
async function openPostgres(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL as string;
  const name = `tollgate_prisma_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const setup = spawnSync(process.execPath, [new URL("scripts/setup-db.mjs", example).pathname], {
    env: { ...process.env, DATABASE_URL: url.href },
    encoding: "utf8",
  });
  if (setup.status !== 0) throw new Error(`setup-db failed: ${setup.stderr}`);
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url.href }) });
  return {
    prisma,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as T[];
    },
    async reset() {
      await client.query(`TRUNCATE ${TABLES} RESTART IDENTITY CASCADE`);
    },
    async close() {
      await prisma.$disconnect();
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export const DATABASES: DatabaseKind[] = [
  { name: "PGlite", skip: false, open: openPglite },
  {
    name: "PostgreSQL",
    skip: process.env.DATABASE_URL ? false : "skipped: set DATABASE_URL to run against a real PostgreSQL",
    open: openPostgres,
  },
];
