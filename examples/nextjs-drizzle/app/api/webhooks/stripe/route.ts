import { createWebhookRoute } from "tollgate";
import { createPostgresIdempotencyStore } from "tollgate/security";
import { db, query } from "../../../../lib/db/client";
import { subscriptionAdapter } from "../../../../lib/db/subscriptions";
import { stripeClient } from "../../../../lib/stripe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createWebhookRoute({
  ...subscriptionAdapter(db),
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
  },
  // Shared by every instance; Stripe retries for up to three days.
  idempotency: { store: createPostgresIdempotencyStore(query), ttlMs: 3 * 24 * 60 * 60 * 1000 },
});

export { handler as POST };
