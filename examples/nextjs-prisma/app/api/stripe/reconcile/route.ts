import { createStripeReconcileRoute } from "tollgate";
import { createPostgresCursorStore } from "tollgate/security";
import { fromScheduler } from "../../../../lib/cron-auth";
import { createPrismaIdempotencyStore } from "../../../../lib/db/idempotency-store";
import { prisma } from "../../../../lib/db/prisma";
import { subscriptionAdapter } from "../../../../lib/db/subscriptions";
import { stripeClient } from "../../../../lib/stripe";

// Catches what Stripe's webhook retries missed: call it from a scheduler (vercel.json runs it every
// 15 minutes) with `Authorization: Bearer $CRON_SECRET`. Same adapter, Stripe access and idempotency
// store as app/api/webhooks/stripe/route.ts, so an event either of them processed is done for both.
const handler = createStripeReconcileRoute({
  ...subscriptionAdapter(prisma),
  stripe: { secretKey: process.env.STRIPE_SECRET_KEY, client: stripeClient() },
  idempotency: { store: createPrismaIdempotencyStore(prisma), ttlMs: 31 * 24 * 60 * 60 * 1000 },
  // Where the sweep got to, in the `tollgate_cursors` table (created on first use).
  cursor: createPostgresCursorStore((text, params) => prisma.$queryRawUnsafe(text, ...params), { createTable: true }),
  authorize: fromScheduler,
  maxDurationMs: 25_000,
});

export { handler as GET, handler as POST };
