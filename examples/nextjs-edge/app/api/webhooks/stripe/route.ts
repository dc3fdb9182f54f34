import { createWebhookRoute } from "tollgate";
import { db } from "../../../../lib/memory-db";

// The edge runtime bundles tollgate's Web build: Web Crypto HMACs, no Node built-ins.
// Route segment config: a build error under `cacheComponents: true` (create-next-app's default), which
// is why this app's next.config.ts turns it off. See docs/runtimes.md.
export const runtime = "edge";

// With no STRIPE_SECRET_KEY the route writes the event's own copy of the subscription (sync "payload");
// add `secretKey` to re-read it from Stripe instead. A missing secret is a per-request 500
// CONFIGURATION_ERROR, so `next build` works without the environment.
const handler = createWebhookRoute({
  ...db,
  stripe: { webhookSecret: process.env.STRIPE_WEBHOOK_SECRET },
});

export { handler as POST };
