import { eq, sql } from "drizzle-orm";
import type { SubscriptionData, WebhookDatabaseAdapter } from "tollgate";
import type { Database } from "./database";
import { subscriptions } from "./schema";
import { findUserByCustomerId } from "./users";

/** Stripe never reactivates these: an event that would take a subscription out of them is stale. */
const FINAL_STATUSES = sql`('canceled', 'incomplete_expired')`;

/** What the Stripe webhook route writes. */
export function subscriptionAdapter(db: Database): WebhookDatabaseAdapter {
  return {
    findUserByCustomerId: (customerId) => findUserByCustomerId(db, customerId),
    upsertSubscription: (data) => upsertSubscription(db, data),
    async updateSubscriptionStatus(subscriptionId, status, meta) {
      // The deletion's time becomes the row's version, so an older update that reaches another
      // instance afterwards is refused by the stale-write guard below. No row yet (the deletion
      // overtook the creation): nothing to cancel; the creation that follows is refetched from
      // Stripe (already canceled) or, in payload mode, stopped by the final-status rule once the
      // deletion is redelivered.
      const at = meta?.eventCreatedAt.toISOString();
      const lastEventAt =
        at === undefined ? undefined : sql`GREATEST(${subscriptions.lastEventAt}, ${at}::timestamptz)`;
      await db.update(subscriptions).set({ status, lastEventAt }).where(eq(subscriptions.id, subscriptionId));
    },
  };
}

/**
 * Inserts or updates the subscription unless the row already reflects a newer write
 * (`last_event_at` later than this write's `eventCreatedAt`; ties are applied) or a final status. One statement, so two deliveries racing cannot interleave a read and a write.
 *
 * @returns whether the write was applied (false: stale, refused)
 */
export async function upsertSubscription(db: Database, data: SubscriptionData): Promise<{ applied: boolean }> {
  const fields = {
    userId: data.userId,
    stripeCustomerId: data.stripeCustomerId,
    status: data.status,
    priceId: data.priceId,
    currentPeriodEnd: data.currentPeriodEnd,
    cancelAtPeriodEnd: data.cancelAtPeriodEnd,
    cancelAt: data.cancelAt,
    lastEventAt: data.eventCreatedAt,
  };
  const written = await db
    .insert(subscriptions)
    .values({ id: data.id, ...fields })
    .onConflictDoUpdate({
      target: subscriptions.id,
      set: { ...fields, updatedAt: sql`now()` },
      setWhere: sql`${subscriptions.lastEventAt} <= excluded.last_event_at
        AND (${subscriptions.status} NOT IN ${FINAL_STATUSES} OR excluded.status = ${subscriptions.status})`,
    })
    .returning({ id: subscriptions.id });
  return { applied: written.length === 1 };
}
