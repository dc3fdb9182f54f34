import { createClerkWebhookRoute } from "tollgate";

// Route segment config: a build error under `cacheComponents: true` (create-next-app's default), which
// is why this app's next.config.ts turns it off. See docs/runtimes.md.
export const runtime = "edge";

const handler = createClerkWebhookRoute({
  secret: process.env.CLERK_WEBHOOK_SECRET,
  on: {
    "user.created": async (user, ctx) => {
      // Runs once per svix-id: a redelivery is answered { received: true, duplicate: true }.
      console.log(JSON.stringify({ handled: ctx.eventType, eventId: ctx.eventId, userId: user.id }));
    },
  },
});

export { handler as POST };
