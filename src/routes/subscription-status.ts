import { compose, type Handler } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { answer } from "../http/response.js";
import { JSON_BODY_LIMIT } from "../security/body-limit.js";
import { type AuthResolver, resolveEmail } from "../validation/identity.js";
import type { SubscriptionDatabaseAdapter, UserWithSubscription } from "./adapters.js";
import { assertSessionId, type ConfirmCheckoutOptions, createCheckoutConfirmer } from "./confirm-checkout.js";
import {
  assertFunction,
  assertObject,
  callHost,
  type RouteSecurityOptions,
  routeLayers,
  routeOptions,
} from "./options.js";

export interface SubscriptionStatusRouteOptions extends SubscriptionDatabaseAdapter, RouteSecurityOptions {
  /** Statuses that grant access. @default ["active", "trialing"] */
  allowedStatuses?: string[];
  /**
   * Resolves the signed-in user's email (`null` → 401). With it, `?email=` is optional and must match
   * (else 403), so nobody can probe other people's subscriptions. Without it the route answers for
   * any email: it gets a default per-IP `rateLimit` (30 a minute) and says so once on the console.
   */
  auth?: AuthResolver;
  /**
   * Confirm on return. With it, `GET …?session_id=cs_…` (the `{CHECKOUT_SESSION_ID}` Stripe puts in
   * your success URL) applies that Checkout Session before the status is answered, when it is
   * complete, in subscription mode and the caller's; so the page the customer returns to shows the
   * paid state even when the webhook has not landed yet. A malformed `session_id` → 400
   * `VALIDATION_ERROR` (no Stripe call); a Stripe failure → 502 `UPSTREAM_ERROR`. Without this
   * option `session_id` is ignored. Costs two Stripe API calls per request that carries a
   * `session_id`.
   * @example
   * confirmCheckout: {
   *   stripe: { secretKey: process.env.STRIPE_SECRET_KEY },
   *   upsertSubscription: (data) => db.upsertSubscription(data),
   * }
   */
  confirmCheckout?: ConfirmCheckoutOptions;
}

/**
 * `GET` route answering whether a user has access: `?email=` → `{ hasAccess, status,
 * currentPeriodEnd?, cancelAtPeriodEnd?, cancelAt? }`. An unknown user is
 * `{ hasAccess: false, status: null }`. With `confirmCheckout`, `?session_id=` applies the Checkout
 * Session the customer returns from before answering.
 *
 * @example
 * const handler = createSubscriptionStatusRoute({
 *   findUserWithSubscription: (email) => db.findUserWithSubscription(email),
 *   auth: async () => (await getSession())?.user?.email ?? null,
 * });
 * export { handler as GET };
 */
export function createSubscriptionStatusRoute(options: SubscriptionStatusRouteOptions): Handler {
  assertObject(options, "createSubscriptionStatusRoute options");
  assertFunction(options.findUserWithSubscription, "findUserWithSubscription");
  assertFunction(options.auth, "auth", true);
  if (options.allowedStatuses !== undefined && !Array.isArray(options.allowedStatuses)) {
    throw new TypeError("tollgate: allowedStatuses must be an array of strings");
  }
  const allowed = Object.freeze([...(options.allowedStatuses ?? ["active", "trialing"])]);
  const find = options.findUserWithSubscription;
  const confirm = options.confirmCheckout === undefined ? null : createCheckoutConfirmer(options.confirmCheckout);
  // Every answer about a subscription is private to the user and must not be cached.
  const layers = routeLayers(options, ["GET"], JSON_BODY_LIMIT, {
    cacheControl: "private, no-store",
    anonymous: options.auth === undefined ? "createSubscriptionStatusRoute" : undefined,
  });

  async function status(ctx: RouteContext): Promise<Response> {
    const query = new URL(ctx.url).searchParams;
    const email = await resolveEmail(ctx, options.auth, query.get("email"));
    const sessionId = confirm === null ? null : query.get("session_id");
    if (sessionId !== null) assertSessionId(sessionId);
    const read = () => callHost(ctx, "findUserWithSubscription", () => find(email), "INTERNAL_ERROR", "read");
    let user = await read();
    if (confirm !== null && sessionId !== null && user !== null) {
      await confirm(ctx, sessionId, { id: user.id, email });
      if (ctx.audit.syncStatus === "confirmed") user = await read();
    }
    ctx.audit.outcome = "processed";
    return answer(statusBody(user?.subscription ?? null, allowed));
  }

  return compose(layers, status, routeOptions(options, "subscription-status"));
}

/** The status body: the period end, flag and date only when the adapter knows them. */
function statusBody(
  subscription: UserWithSubscription["subscription"],
  allowed: readonly string[],
): Record<string, unknown> {
  if (subscription === null) return { hasAccess: false, status: null };
  const body: Record<string, unknown> = {
    hasAccess: allowed.includes(subscription.status),
    status: subscription.status,
  };
  const end = subscription.currentPeriodEnd;
  if (isDate(end)) body.currentPeriodEnd = end.toISOString();
  if (typeof subscription.cancelAtPeriodEnd === "boolean") body.cancelAtPeriodEnd = subscription.cancelAtPeriodEnd;
  if (isDate(subscription.cancelAt)) body.cancelAt = subscription.cancelAt.toISOString();
  return body;
}

function isDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
