import { compose, type Handler } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { answer } from "../http/response.js";
import { JSON_BODY_LIMIT } from "../security/body-limit.js";
import {
  assertStripeClientOptions,
  callStripe,
  lazyStripeClient,
  reportStripeMode,
  type StripeClientOptions,
  stripeMode,
} from "../stripe/client.js";
import { absoluteUrl } from "../validation/absolute-url.js";
import { type AuthResolver, resolveEmail } from "../validation/identity.js";
import { jsonObjectBody } from "../validation/json-body.js";
import type { CheckoutDatabaseAdapter } from "./adapters.js";
import {
  assertFunction,
  assertObject,
  callHost,
  type RouteSecurityOptions,
  routeLayers,
  routeOptions,
} from "./options.js";

export interface PortalRouteOptions extends RouteSecurityOptions {
  findUserByEmail: CheckoutDatabaseAdapter["findUserByEmail"];
  /** Required: the portal acts for the signed-in user only (`null` → 401). */
  auth: AuthResolver;
  stripe: StripeClientOptions & {
    /** Where the portal's "return" link goes. Missing or not absolute → 500 `CONFIGURATION_ERROR` per request. */
    returnUrl: string | undefined;
  };
}

/**
 * `POST` route that opens the Stripe Billing Portal for the signed-in user → `{ url }`. A user without
 * a Stripe customer yet gets 404 `NOT_FOUND`. The body may be empty; an `email` in it must match.
 *
 * @example
 * const handler = createPortalRoute({
 *   findUserByEmail: (email) => db.findUserByEmail(email),
 *   auth: async () => (await getSession())?.user?.email ?? null,
 *   stripe: { secretKey: process.env.STRIPE_SECRET_KEY, returnUrl: `${APP_URL}/settings/billing` },
 * });
 * export { handler as POST };
 */
export function createPortalRoute(options: PortalRouteOptions): Handler {
  assertObject(options, "createPortalRoute options");
  assertFunction(options.findUserByEmail, "findUserByEmail");
  assertFunction(options.auth, "auth");
  assertObject(options.stripe, "stripe");
  assertStripeClientOptions(options.stripe, "stripe");
  const stripe = options.stripe;
  const client = lazyStripeClient(stripe);
  const find = options.findUserByEmail;
  const layers = routeLayers(options, ["POST"], JSON_BODY_LIMIT, { cacheControl: "no-store" });
  const mode = stripeMode(stripe.secretKey);
  if (mode !== undefined) layers.splice(1, 0, reportStripeMode(mode));

  async function portal(ctx: RouteContext): Promise<Response> {
    if (!absoluteUrl(stripe.returnUrl)) {
      throw new TollgateError("CONFIGURATION_ERROR", {
        cause: new Error("stripe.returnUrl is missing or not absolute"),
      });
    }
    const stripeClient = await client();
    const body = jsonObjectBody(ctx, { optional: true });
    const email = await resolveEmail(ctx, options.auth, body.email);
    const user = await callHost(ctx, "findUserByEmail", () => find(email), "INTERNAL_ERROR", "read");
    if (!user?.stripeCustomerId)
      throw new TollgateError("NOT_FOUND", { message: "No billing account exists for this user yet." });
    const customer = user.stripeCustomerId;
    const session = await callStripe("billingPortal.sessions.create", () =>
      stripeClient.billingPortal.sessions.create({ customer, return_url: stripe.returnUrl as string }),
    );
    ctx.audit.outcome = "processed";
    return answer({ url: session.url });
  }

  return compose(layers, portal, routeOptions(options, "portal"));
}
