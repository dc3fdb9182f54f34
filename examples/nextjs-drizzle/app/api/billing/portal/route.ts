import { createPortalRoute } from "tollgate";
import { sessionEmail } from "../../../../lib/auth";
import { db } from "../../../../lib/db/client";
import { userAdapter } from "../../../../lib/db/users";
import { stripeClient } from "../../../../lib/stripe";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createPortalRoute({
  findUserByEmail: userAdapter(db).findUserByEmail,
  auth: sessionEmail,
  stripe: {
    secretKey: process.env.STRIPE_SECRET_KEY,
    client: stripeClient(),
    returnUrl: `${process.env.NEXT_PUBLIC_APP_URL}/dashboard`,
  },
});

export { handler as POST };
