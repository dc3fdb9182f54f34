import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlQuery } from "tollgate/security";
import { PrismaClient } from "../../generated/prisma/client";

/**
 * A Prisma client that talks to PostgreSQL through node-postgres: no query engine binary, the
 * query compiler ships inside @prisma/client. Nothing connects until the first query, so importing
 * this during `next build` without DATABASE_URL is fine.
 */
export function createPrismaClient(connectionString = process.env.DATABASE_URL): PrismaClient {
  const max = Number(process.env.DATABASE_POOL_MAX ?? 10);
  return new PrismaClient({ adapter: new PrismaPg({ connectionString, max }) });
}

// One client per server process, kept across `next dev` hot reloads.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const prisma: PrismaClient = globalForPrisma.prisma ?? createPrismaClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;

/**
 * How tollgate's PostgreSQL stores (idempotency, rate limits) run their statements: through Prisma's
 * `$queryRawUnsafe`, which binds `$1, $2, …` parameters. Their tables come from
 * prisma/migrations/0004_tollgate_stores.sql.
 */
export const query: SqlQuery = (text, params) => prisma.$queryRawUnsafe(text, ...params);
