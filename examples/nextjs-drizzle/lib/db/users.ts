import { asc, desc, eq } from "drizzle-orm";
import type { CheckoutDatabaseAdapter, SubscriptionDatabaseAdapter, User } from "tollgate";
import type { Database } from "./database";
import { subscriptions, users } from "./schema";

const userColumns = {
  id: users.id,
  email: users.email,
  stripeCustomerId: users.stripeCustomerId,
  createdAt: users.createdAt,
};

/** What the checkout and portal routes read and write. Emails arrive trimmed and lower-cased. */
export function userAdapter(db: Database): CheckoutDatabaseAdapter {
  return {
    async findUserByEmail(email) {
      const [row] = await db.select(userColumns).from(users).where(eq(users.email, email));
      return row ?? null;
    },
    // A concurrent first checkout of the same email loses the race on the unique index and throws;
    // the route then reads the winner's row.
    async createUser(email) {
      const [row] = await db.insert(users).values({ email }).returning(userColumns);
      return row as User;
    },
    async updateUser(userId, data) {
      const [row] = await db
        .update(users)
        .set({ stripeCustomerId: data.stripeCustomerId })
        .where(eq(users.id, userId))
        .returning(userColumns);
      if (row === undefined) throw new Error(`no user ${userId}`);
      return row;
    },
  };
}

/** The Stripe customer's user; the oldest account if several ever shared the customer id. */
export async function findUserByCustomerId(db: Database, customerId: string): Promise<User | null> {
  const [row] = await db
    .select(userColumns)
    .from(users)
    .where(eq(users.stripeCustomerId, customerId))
    .orderBy(asc(users.createdAt))
    .limit(1);
  return row ?? null;
}

/** What the subscription status route reads: the user and their newest subscription. */
export function subscriptionStatusAdapter(db: Database): SubscriptionDatabaseAdapter {
  return {
    async findUserWithSubscription(email) {
      const [user] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, email));
      if (user === undefined) return null;
      const [subscription] = await db
        .select({
          status: subscriptions.status,
          currentPeriodEnd: subscriptions.currentPeriodEnd,
          cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
          cancelAt: subscriptions.cancelAt,
        })
        .from(subscriptions)
        .where(eq(subscriptions.userId, user.id))
        .orderBy(desc(subscriptions.createdAt), desc(subscriptions.id))
        .limit(1);
      return { ...user, subscription: subscription ?? null };
    },
  };
}
