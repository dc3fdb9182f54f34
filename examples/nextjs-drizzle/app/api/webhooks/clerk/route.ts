import { createClerkWebhookRoute } from "tollgate";
import { createPostgresIdempotencyStore } from "tollgate/security";
import { clerkUserHandlers } from "../../../../lib/db/clerk-handlers";
import { db, query } from "../../../../lib/db/client";

const handler = createClerkWebhookRoute({
  secret: process.env.CLERK_WEBHOOK_SECRET,
  // user.created grants the signup credits exactly once, in the same transaction as its svix-id.
  on: clerkUserHandlers(db),
  // Shared by every instance; Svix retries for about a day.
  idempotency: { store: createPostgresIdempotencyStore(query), ttlMs: 24 * 60 * 60 * 1000 },
});

// Every method goes to the handler, so a GET (a browser, a health check) gets the documented JSON 405
// with an Allow header rather than Next.js's own empty one.
export { handler as DELETE, handler as GET, handler as PATCH, handler as POST, handler as PUT };
