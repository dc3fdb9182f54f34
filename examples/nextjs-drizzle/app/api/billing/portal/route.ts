import { createPortalRoute } from "tollgate";
import { sessionEmail } from "../../../../lib/auth";
import { db } from "../../../../lib/db/client";
import { createDrizzleRateLimitStore } from "../../../../lib/db/rate-limit-store";
import { userAdapter } from "../../../../lib/db/users";
import { stripeClient } from "../../../../lib/stripe";

const handler = createPortalRoute({
  findUserByEmail: userAdapter(db).findUserByEmail,
  auth: sessionEmail,
  // Per client IP, counted in the database so the limit holds across every instance.
  rateLimit: { limit: 10, windowMs: 60_000, store: createDrizzleRateLimitStore(db) },
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    returnUrl: `${process.env.NEXT_PUBLIC_APP_URL}/dashboard`,
  },
});

export { handler as POST };
