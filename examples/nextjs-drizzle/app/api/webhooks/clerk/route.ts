import { createClerkWebhookRoute } from "tollgate";
import { createPostgresIdempotencyStore } from "tollgate/security";
import { clerkUserHandlers } from "../../../../lib/db/clerk-handlers";
import { db, query } from "../../../../lib/db/client";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createClerkWebhookRoute({
  secret: process.env.CLERK_WEBHOOK_SECRET,
  // user.created grants the signup credits exactly once, in the same transaction as its svix-id.
  on: clerkUserHandlers(db),
  // Shared by every instance; Svix retries for about a day.
  idempotency: { store: createPostgresIdempotencyStore(query), ttlMs: 24 * 60 * 60 * 1000 },
});

export { handler as POST };
