import { createSubscriptionStatusRoute } from "tollgate";
import { sessionEmail } from "../../../../lib/auth";
import { db } from "../../../../lib/db/client";
import { subscriptionStatusAdapter } from "../../../../lib/db/users";

const handler = createSubscriptionStatusRoute({
  ...subscriptionStatusAdapter(db),
  // Only the signed-in user's own status: nobody can probe other people's subscriptions.
  auth: sessionEmail,
});

export { handler as GET };
