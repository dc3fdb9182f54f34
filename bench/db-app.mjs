// Both webhook routes of `npm run bench:db` over the Drizzle example's own database code (bundled by
// bench/db.mjs with esbuild, packages external): tollgate's route as examples/nextjs-drizzle mounts it,
// with the package's durable PostgreSQL idempotency store, and the hand-written route doing the same writes.
import { createWebhookRoute } from "tollgate";
import { createPostgresIdempotencyStore } from "tollgate/security";
import { createDatabase } from "../examples/nextjs-drizzle/lib/db/client";
import { subscriptionAdapter } from "../examples/nextjs-drizzle/lib/db/subscriptions";
import { seedStripeRoute } from "./peers.mjs";

/** One app instance: its own connection pool and idempotency store, as a second server would have. */
export function createInstance(url, webhookSecret) {
  const db = createDatabase(url);
  const adapter = subscriptionAdapter(db);
  return {
    db,
    tollgate: createWebhookRoute({
      ...adapter,
      stripe: { webhookSecret },
      // No Stripe API here: the event's copy is written (refetch would add one API call per event).
      sync: "payload",
      // Entries are built and handed to a sink, as in production, but not printed.
      audit: () => {},
      idempotency: {
        store: createPostgresIdempotencyStore((text, params) => db.$client.query(text, params), { createTable: true }),
        ttlMs: 3 * 24 * 60 * 60 * 1000,
      },
    }),
    seed: seedStripeRoute(adapter, webhookSecret),
    close: () => db.$client.end(),
  };
}
