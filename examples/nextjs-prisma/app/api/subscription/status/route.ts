import { createSubscriptionStatusRoute } from "tollgate";
import { sessionEmail } from "../../../../lib/auth";
import { prisma } from "../../../../lib/db/prisma";
import { subscriptionStatusAdapter } from "../../../../lib/db/users";

const handler = createSubscriptionStatusRoute({
  ...subscriptionStatusAdapter(prisma),
  // Only the signed-in user's own status: nobody can probe other people's subscriptions.
  auth: sessionEmail,
});

export { handler as GET };
