import { createPortalRoute } from "tollgate";
import { sessionEmail } from "../../../../lib/auth";
import { prisma } from "../../../../lib/db/prisma";
import { createPrismaRateLimitStore } from "../../../../lib/db/rate-limit-store";
import { userAdapter } from "../../../../lib/db/users";
import { stripeClient } from "../../../../lib/stripe";

const handler = createPortalRoute({
  findUserByEmail: userAdapter(prisma).findUserByEmail,
  auth: sessionEmail,
  // Per client IP, counted in the database so the limit holds across every instance.
  rateLimit: { limit: 10, windowMs: 60_000, store: createPrismaRateLimitStore(prisma) },
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    returnUrl: `${process.env.NEXT_PUBLIC_APP_URL}/dashboard`,
  },
});

export { handler as POST };
