import { createPortalRoute } from "tollgate";
import { sessionEmail } from "../../../../lib/auth";
import { prisma } from "../../../../lib/db/prisma";
import { userAdapter } from "../../../../lib/db/users";
import { stripeClient } from "../../../../lib/stripe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createPortalRoute({
  findUserByEmail: userAdapter(prisma).findUserByEmail,
  auth: sessionEmail,
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    returnUrl: `${process.env.NEXT_PUBLIC_APP_URL}/dashboard`,
  },
});

export { handler as POST };
