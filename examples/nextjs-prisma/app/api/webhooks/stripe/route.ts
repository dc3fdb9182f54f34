import { createWebhookRoute } from "tollgate";
import { createPostgresIdempotencyStore } from "tollgate/security";
import { prisma, query } from "../../../../lib/db/prisma";
import { subscriptionAdapter } from "../../../../lib/db/subscriptions";
import { stripeClient } from "../../../../lib/stripe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createWebhookRoute({
  ...subscriptionAdapter(prisma),
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
  },
  // Shared by every instance; Stripe retries for up to three days.
  idempotency: { store: createPostgresIdempotencyStore(query), ttlMs: 3 * 24 * 60 * 60 * 1000 },
});

export { handler as POST };
