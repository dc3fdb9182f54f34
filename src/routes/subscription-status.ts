import { compose, type Handler } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { answer } from "../http/response.js";
import { JSON_BODY_LIMIT } from "../security/body-limit.js";
import { type AuthResolver, resolveEmail } from "../validation/identity.js";
import type { SubscriptionDatabaseAdapter } from "./adapters.js";
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
}

/**
 * `GET` route answering whether a user has access: `?email=` → `{ hasAccess, status, currentPeriodEnd? }`.
 * An unknown user is `{ hasAccess: false, status: null }`.
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
  // Every answer about a subscription is private to the user and must not be cached.
  const layers = routeLayers(options, ["GET"], JSON_BODY_LIMIT, {
    cacheControl: "private, no-store",
    anonymous: options.auth === undefined ? "createSubscriptionStatusRoute" : undefined,
  });

  async function status(ctx: RouteContext): Promise<Response> {
    const requested = new URL(ctx.url).searchParams.get("email");
    const email = await resolveEmail(ctx, options.auth, requested);
    const user = await callHost(ctx, "findUserWithSubscription", () => find(email), "INTERNAL_ERROR", "read");
    ctx.audit.outcome = "processed";
    const subscription = user?.subscription ?? null;
    if (subscription === null) return answer({ hasAccess: false, status: null });
    const body: Record<string, unknown> = {
      hasAccess: allowed.includes(subscription.status),
      status: subscription.status,
    };
    const end = subscription.currentPeriodEnd;
    if (end instanceof Date && !Number.isNaN(end.getTime())) body.currentPeriodEnd = end.toISOString();
    return answer(body);
  }

  return compose(layers, status, routeOptions(options, "subscription-status"));
}
