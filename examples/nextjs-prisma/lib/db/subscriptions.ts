import type { SubscriptionData, WebhookDatabaseAdapter } from "tollgate";
import type { PrismaClient } from "../../generated/prisma/client";

/** Stripe never reactivates these: an event that would take a subscription out of them is stale. */
const FINAL_STATUSES = ["canceled", "incomplete_expired"];

/** What the Stripe webhook route writes. */
export function subscriptionAdapter(prisma: PrismaClient): WebhookDatabaseAdapter {
  return {
    async findUserByCustomerId(customerId) {
      const row = await prisma.user.findFirst({
        where: { stripeCustomerId: customerId },
        select: { id: true, email: true, stripeCustomerId: true, createdAt: true },
        orderBy: { createdAt: "asc" },
      });
      return row;
    },
    upsertSubscription: (data) => upsertSubscription(prisma, data),
    async updateSubscriptionStatus(subscriptionId, status, meta) {
      // The deletion's time becomes the row's version, so an older update that reaches another
      // instance afterwards is refused by the stale-write guard below. No row yet (the deletion
      // overtook the creation): nothing to cancel; the creation that follows is refetched from
      // Stripe (already canceled) or, in payload mode, stopped by the final-status rule once the
      // deletion is redelivered.
      const at = meta?.eventCreatedAt ?? null;
      await prisma.$executeRaw`
        UPDATE subscriptions
        SET status = ${status}, updated_at = now(),
            last_event_at = GREATEST(last_event_at, COALESCE(${at}::timestamptz, last_event_at))
        WHERE id = ${subscriptionId}`;
    },
  };
}

/**
 * Inserts or updates the subscription unless the row already reflects a newer write
 * (`last_event_at` later than this write's `eventCreatedAt`; ties are applied) or a final status. One statement, so two deliveries racing cannot interleave a read and a write.
 *
 * Prisma's `upsert` cannot say this: its `where` names the row, not a condition on the update,
 * and when the condition fails it falls through to the create branch and hits the primary key.
 *
 * @returns whether the write was applied (false: stale, refused)
 */
export async function upsertSubscription(prisma: PrismaClient, data: SubscriptionData): Promise<{ applied: boolean }> {
  const count = await prisma.$executeRaw`
    INSERT INTO subscriptions AS s (id, user_id, stripe_customer_id, status, price_id, current_period_end,
                                    cancel_at_period_end, cancel_at, last_event_at)
    VALUES (${data.id}, ${data.userId}::uuid, ${data.stripeCustomerId}, ${data.status}, ${data.priceId},
            ${data.currentPeriodEnd}::timestamptz, ${data.cancelAtPeriodEnd}, ${data.cancelAt}::timestamptz,
            ${data.eventCreatedAt}::timestamptz)
    ON CONFLICT (id) DO UPDATE SET
      user_id = EXCLUDED.user_id,
      stripe_customer_id = EXCLUDED.stripe_customer_id,
      status = EXCLUDED.status,
      price_id = EXCLUDED.price_id,
      current_period_end = EXCLUDED.current_period_end,
      cancel_at_period_end = EXCLUDED.cancel_at_period_end,
      cancel_at = EXCLUDED.cancel_at,
      last_event_at = EXCLUDED.last_event_at,
      updated_at = now()
    WHERE s.last_event_at <= EXCLUDED.last_event_at
      AND (s.status <> ALL (${FINAL_STATUSES}::text[]) OR EXCLUDED.status = s.status)`;
  return { applied: count === 1 };
}
