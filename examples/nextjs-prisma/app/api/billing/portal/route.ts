import { createPortalRoute } from "tollgate";
import { createPostgresRateLimitStore } from "tollgate/security";
import { sessionEmail } from "../../../../lib/auth";
import { prisma, query } from "../../../../lib/db/prisma";
import { userAdapter } from "../../../../lib/db/users";
import { stripeClient } from "../../../../lib/stripe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createPortalRoute({
  findUserByEmail: userAdapter(prisma).findUserByEmail,
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
