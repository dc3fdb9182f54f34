import { createCheckoutRoute } from "tollgate";
import { createPostgresRateLimitStore } from "tollgate/security";
import { sessionEmail } from "../../../lib/auth";
import { prisma, query } from "../../../lib/db/prisma";
import { subscriptionStatusAdapter, userAdapter } from "../../../lib/db/users";
import { stripeClient } from "../../../lib/stripe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createCheckoutRoute({
  ...userAdapter(prisma),
  // Refuses a second checkout (409 ALREADY_SUBSCRIBED) while the user has an active subscription.
  ...subscriptionStatusAdapter(prisma),
  auth: sessionEmail,
  // Per client IP, counted in the database so the limit holds across every instance.
  rateLimit: { limit: 10, windowMs: 60_000, store: createPostgresRateLimitStore(query) },
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    priceId: process.env.STRIPE_PRICE_ID,
    successUrl: `${process.env.NEXT_PUBLIC_APP_URL}/dashboard?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${process.env.NEXT_PUBLIC_APP_URL}/pricing`,
  },
});

export { handler as POST };
