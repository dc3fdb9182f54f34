import { clerkUserHandlers } from "./clerk-handlers";
import { db as client } from "./client";
import { subscriptionAdapter } from "./subscriptions";
import { subscriptionStatusAdapter, userAdapter } from "./users";

/**
 * The app's database adapter: the `db` that tollgate's docs call (`import { db } from "@/lib/db"`).
 * One object with every method the five routes need, over the Drizzle client in `./client`:
 *
 * - checkout, portal: `findUserByEmail`, `createUser`, `updateUser` (`./users`)
 * - subscription status (and checkout's 409): `findUserWithSubscription` (`./users`)
 * - Stripe webhook: `findUserByCustomerId`, `upsertSubscription`, `updateSubscriptionStatus` (`./subscriptions`)
 * - Clerk webhook: `clerk`, the `user.created` / `user.updated` / `user.deleted` handlers (`./clerk-handlers`)
 *
 * Copy this folder (and `drizzle/`, the migrations) into your app's `lib/db/`, or write the same
 * methods against your own tables: each is one small function.
 */
export const db = {
  ...userAdapter(client),
  ...subscriptionStatusAdapter(client),
  ...subscriptionAdapter(client),
  clerk: clerkUserHandlers(client),
};
