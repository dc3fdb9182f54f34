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
import { validateCallbackUrl, withCallbackUrl } from "../validation/callback-url.js";
import { type AuthResolver, resolveEmail } from "../validation/identity.js";
import { jsonObjectBody } from "../validation/json-body.js";
import type { CheckoutDatabaseAdapter, SubscriptionDatabaseAdapter, User } from "./adapters.js";
import { ensureStripeCustomer, idempotencyHash } from "./customer.js";
import {
  assertFunction,
  assertObject,
  callHost,
  type RouteSecurityOptions,
  routeLayers,
  routeOptions,
} from "./options.js";

export interface CheckoutStripeOptions extends StripeClientOptions {
  /** The recurring price to subscribe to (`price_…`). Missing → 500 `CONFIGURATION_ERROR` per request. */
  priceId: string | undefined;
  /** Absolute URL Stripe sends the customer to on success; `{CHECKOUT_SESSION_ID}` is kept for Stripe to fill. */
  successUrl: string | undefined;
  /** Absolute URL Stripe sends the customer to on cancel. */
  cancelUrl: string | undefined;
  /**
   * Origins an absolute `callbackUrl` may point to; relative paths are always allowed.
   * @default the origin of `successUrl`
   */
  allowedCallbackOrigins?: string[];
  /**
   * Prefix of the Stripe idempotency keys this route sends (customer and Checkout Session), so
   * that two apps or databases on one Stripe account that reuse user ids (serial ids, a reset dev
   * database) never share a key, and so never a customer or a session. The keys also bind the
   * user's email, the customer and (when the adapter returns it) the user's `createdAt`. Set it per
   * database when several databases share one app URL (e.g. preview deployments).
   * @default the origin of `successUrl`
   */
  idempotencyNamespace?: string;
}

export interface CheckoutRouteOptions extends CheckoutDatabaseAdapter, RouteSecurityOptions {
  stripe: CheckoutStripeOptions;
  /**
   * Resolves the signed-in user's email from your session (`null` → 401). With it, the body's email
   * is optional and must match (else 403), so nobody can start a checkout for someone else.
   */
  auth?: AuthResolver;
  /** With it, a user who already has access gets 409 `ALREADY_SUBSCRIBED` instead of a second subscription. */
  findUserWithSubscription?: SubscriptionDatabaseAdapter["findUserWithSubscription"];
  /** Statuses that count as access for `ALREADY_SUBSCRIBED`. @default ["active", "trialing"] */
  allowedStatuses?: string[];
}

/**
 * `POST` route that starts a Stripe Checkout subscription for a user: `{ email?, callbackUrl? }` →
 * `{ url }`. Finds or creates the user, creates their Stripe customer once (idempotency key bound to
 * the user id), and opens the session with an idempotency key, so a double submit within the same
 * minute returns the same session.
 *
 * @example
 * const handler = createCheckoutRoute({
 *   findUserByEmail: (email) => db.findUserByEmail(email),
 *   createUser: (email) => db.createUser(email),
 *   updateUser: (userId, data) => db.updateUser(userId, data),
 *   stripe: { secretKey: process.env.STRIPE_SECRET_KEY!, priceId: process.env.STRIPE_PRICE_ID!,
 *     successUrl: `${APP_URL}/dashboard?session_id={CHECKOUT_SESSION_ID}`, cancelUrl: `${APP_URL}/pricing` },
 *   auth: async () => (await getSession())?.user?.email ?? null,
 * });
 * export { handler as POST };
 */
export function createCheckoutRoute(options: CheckoutRouteOptions): Handler {
  assertObject(options, "createCheckoutRoute options");
  for (const name of ["findUserByEmail", "createUser", "updateUser"] as const) assertFunction(options[name], name);
  assertFunction(options.auth, "auth", true);
  assertFunction(options.findUserWithSubscription, "findUserWithSubscription", true);
  assertObject(options.stripe, "stripe");
  assertStripeClientOptions(options.stripe, "stripe");
  const namespaceOption: unknown = options.stripe.idempotencyNamespace;
  if (namespaceOption !== undefined && (typeof namespaceOption !== "string" || namespaceOption === "")) {
    throw new TypeError("tollgate: stripe.idempotencyNamespace must be a non-empty string");
  }
  if (options.allowedStatuses !== undefined && !Array.isArray(options.allowedStatuses)) {
    throw new TypeError("tollgate: allowedStatuses must be an array of strings");
  }
  const stripe = options.stripe;
  const client = lazyStripeClient(stripe);
  const allowedStatuses = Object.freeze([...(options.allowedStatuses ?? ["active", "trialing"])]);
  const adapter: CheckoutDatabaseAdapter = {
    findUserByEmail: options.findUserByEmail,
    createUser: options.createUser,
    updateUser: options.updateUser,
  };
  const layers = routeLayers(options, ["POST"], JSON_BODY_LIMIT, {
    cacheControl: "no-store",
    anonymous: options.auth === undefined ? "createCheckoutRoute" : undefined,
  });
  const mode = stripeMode(stripe.secretKey);
  if (mode !== undefined) layers.splice(1, 0, reportStripeMode(mode));

  async function checkout(ctx: RouteContext): Promise<Response> {
    const success = absoluteUrl(stripe.successUrl);
    if (typeof stripe.priceId !== "string" || stripe.priceId === "" || !success || !absoluteUrl(stripe.cancelUrl)) {
      throw new TollgateError("CONFIGURATION_ERROR", {
        cause: new Error("stripe.priceId, successUrl or cancelUrl missing"),
      });
    }
    // Resolve the client first: a missing or malformed key must fail before anything is written.
    const stripeClient = await client();
    const body = jsonObjectBody(ctx);
    const email = await resolveEmail(ctx, options.auth, body.email);
    const callbackUrl = validateCallbackUrl(body.callbackUrl, stripe.allowedCallbackOrigins ?? [success.origin]);
    const lookup = options.findUserWithSubscription;
    if (lookup) {
      const current = await callHost(ctx, "findUserWithSubscription", () => lookup(email), "INTERNAL_ERROR", "read");
      if (current?.subscription && allowedStatuses.includes(current.subscription.status)) {
        throw new TollgateError("ALREADY_SUBSCRIBED");
      }
    }
    const user = await findOrCreateUser(ctx, adapter, email);
    const namespace = stripe.idempotencyNamespace ?? success.origin;
    const customer = await ensureStripeCustomer(ctx, adapter, stripeClient, user, namespace);
    const minute = Math.floor(Date.now() / 60_000);
    const key = await idempotencyHash([namespace, user.id, customer, stripe.priceId, callbackUrl ?? "", minute]);
    const session = await callStripe("checkout.sessions.create", () =>
      stripeClient.checkout.sessions.create(
        {
          mode: "subscription",
          customer,
          line_items: [{ price: stripe.priceId as string, quantity: 1 }],
          client_reference_id: user.id,
          metadata: { userId: user.id },
          subscription_data: { metadata: { userId: user.id } },
          success_url: withCallbackUrl(stripe.successUrl as string, callbackUrl),
          cancel_url: stripe.cancelUrl as string,
        },
        { idempotencyKey: `tollgate-checkout-${key}` },
      ),
    );
    if (typeof session.url !== "string")
      throw new TollgateError("UPSTREAM_ERROR", { cause: new Error("session has no url") });
    ctx.audit.outcome = "processed";
    return answer({ url: session.url });
  }

  return compose(layers, checkout, routeOptions(options, "checkout"));
}

/** The user for `email`, created if absent; a failed create (a unique-email race) is answered by reading again. */
async function findOrCreateUser(ctx: RouteContext, adapter: CheckoutDatabaseAdapter, email: string): Promise<User> {
  const found = await callHost(ctx, "findUserByEmail", () => adapter.findUserByEmail(email), "INTERNAL_ERROR", "read");
  if (found) return found;
  try {
    return await callHost(ctx, "createUser", () => adapter.createUser(email), "INTERNAL_ERROR");
  } catch (error) {
    const raced = await callHost(
      ctx,
      "findUserByEmail",
      () => adapter.findUserByEmail(email),
      "INTERNAL_ERROR",
      "read",
    );
    if (raced) return raced;
    throw error;
  }
}
