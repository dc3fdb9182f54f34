import { createWebhookRoute } from "tollgate";
import { createPostgresIdempotencyStore } from "tollgate/security";
import { db, query } from "../../../../lib/db/client";
import { subscriptionAdapter } from "../../../../lib/db/subscriptions";
import { stripeClient } from "../../../../lib/stripe";

const handler = createWebhookRoute({
  ...subscriptionAdapter(db),
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET,
  },
  // Shared by every instance and by the reconcile route. Stripe retries for up to three days, but the
  // sweep looks back as far as Stripe keeps events (30 days): remember processed ids that long, so an
  // event delivered here is a duplicate there and its handlers never run twice.
  idempotency: { store: createPostgresIdempotencyStore(query), ttlMs: 31 * 24 * 60 * 60 * 1000 },
});

// Every method goes to the handler, so a GET (a browser, a health check) gets the documented JSON 405
// with an Allow header rather than Next.js's own empty one.
export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
