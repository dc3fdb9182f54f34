import type { CheckoutDatabaseAdapter, SubscriptionDatabaseAdapter, User } from "tollgate";
import type { PrismaClient } from "../../generated/prisma/client";

type UserRow = { id: string; email: string; stripeCustomerId: string | null; createdAt: Date };

const userFields = { id: true, email: true, stripeCustomerId: true, createdAt: true } as const;

function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, stripeCustomerId: row.stripeCustomerId, createdAt: row.createdAt };
}

/** What the checkout and portal routes read and write. Emails arrive trimmed and lower-cased. */
export function userAdapter(prisma: PrismaClient): CheckoutDatabaseAdapter {
  return {
    async findUserByEmail(email) {
      const row = await prisma.user.findUnique({ where: { email }, select: userFields });
      return row && toUser(row);
    },
    // A concurrent first checkout of the same email loses the race on the unique index (P2002);
    // the route then reads the winner's row.
    async createUser(email) {
      return toUser(await prisma.user.create({ data: { email }, select: userFields }));
    },
    async updateUser(userId, data) {
      const row = await prisma.user.update({
        where: { id: userId },
        data: { stripeCustomerId: data.stripeCustomerId },
        select: userFields,
      });
      return toUser(row);
    },
  };
}

/** What the subscription status route reads: the user and their newest subscription. */
export function subscriptionStatusAdapter(prisma: PrismaClient): SubscriptionDatabaseAdapter {
  return {
    async findUserWithSubscription(email) {
      const row = await prisma.user.findUnique({
        where: { email },
        select: {
          id: true,
          email: true,
          subscriptions: {
            select: { status: true, currentPeriodEnd: true, cancelAtPeriodEnd: true, cancelAt: true },
            orderBy: [{ createdAt: "desc" }, { id: "desc" }],
            take: 1,
          },
        },
      });
      if (row === null) return null;
      return { id: row.id, email: row.email, subscription: row.subscriptions[0] ?? null };
    },
  };
}
