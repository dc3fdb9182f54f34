import { createPortalRoute } from "tollgate";
import { createPostgresRateLimitStore } from "tollgate/security";
import { sessionEmail } from "../../../../lib/auth";
import { db, query } from "../../../../lib/db/client";
import { userAdapter } from "../../../../lib/db/users";
import { stripeClient } from "../../../../lib/stripe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createPortalRoute({
  findUserByEmail: userAdapter(db).findUserByEmail,
  auth: sessionEmail,
  // Per client IP, counted in the database so the limit holds across every instance.
  rateLimit: { limit: 10, windowMs: 60_000, store: createPostgresRateLimitStore(query) },
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    returnUrl: `${process.env.NEXT_PUBLIC_APP_URL}/dashboard`,
  },
});

export { handler as POST };
