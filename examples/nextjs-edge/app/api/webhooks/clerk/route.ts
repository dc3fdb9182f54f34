import { createClerkWebhookRoute } from "tollgate";

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
