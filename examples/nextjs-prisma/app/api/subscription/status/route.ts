import { createSubscriptionStatusRoute } from "tollgate";
import { sessionEmail } from "../../../../lib/auth";
import { prisma } from "../../../../lib/db/prisma";
import { upsertSubscription } from "../../../../lib/db/subscriptions";
import { subscriptionStatusAdapter } from "../../../../lib/db/users";
import { stripeClient } from "../../../../lib/stripe";

const handler = createSubscriptionStatusRoute({
  ...subscriptionStatusAdapter(prisma),
  // Only the signed-in user's own status: nobody can probe other people's subscriptions.
  auth: sessionEmail,
  // Confirm on return: the success URL's ?session_id=cs_… applies the paid subscription before the
  // answer, so the page the customer lands on shows it even when the webhook is late. The same
  // write, mapping and stale-write rule as the webhook route.
  confirmCheckout: {
    stripe: { secretKey: process.env.STRIPE_SECRET_KEY, client: stripeClient() },
    upsertSubscription: (data) => upsertSubscription(prisma, data),
  },
});

export { handler as GET };
