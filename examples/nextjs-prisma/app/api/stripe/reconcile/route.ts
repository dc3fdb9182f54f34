import { createStripeReconcileRoute } from "tollgate";
import { createPostgresCursorStore, createPostgresIdempotencyStore } from "tollgate/security";
import { fromScheduler } from "../../../../lib/cron-auth";
import { prisma, query } from "../../../../lib/db/prisma";
import { subscriptionAdapter } from "../../../../lib/db/subscriptions";
import { stripeClient } from "../../../../lib/stripe";

// Catches what Stripe's webhook retries missed: call it from a scheduler (vercel.json runs it every
// 15 minutes) with `Authorization: Bearer $CRON_SECRET`. Same adapter, Stripe access and idempotency
// store as app/api/webhooks/stripe/route.ts, so an event either of them processed is done for both.
const handler = createStripeReconcileRoute({
  ...subscriptionAdapter(prisma),
  stripe: { secretKey: process.env.STRIPE_SECRET_KEY, client: stripeClient() },
  idempotency: { store: createPostgresIdempotencyStore(query), ttlMs: 31 * 24 * 60 * 60 * 1000 },
  // Where the sweep got to: the `tollgate_cursors` table of the migrations.
  cursor: createPostgresCursorStore(query),
  authorize: fromScheduler,
  maxDurationMs: 25_000,
});

export { handler as GET, handler as POST };
