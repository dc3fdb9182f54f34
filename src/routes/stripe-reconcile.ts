import { compose, type Handler, type Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { json } from "../http/response.js";
import { createReconcileEngine, type ReconcileEngine } from "../reconcile/engine.js";
import { RECONCILE_ROUTE } from "../reconcile/item-run.js";
import type { ReconcileOptions } from "../reconcile/options.js";
import type { ReconcileMode } from "../reconcile/summary.js";
import { JSON_BODY_LIMIT } from "../security/body-limit.js";
import { reportStripeMode } from "../stripe/client.js";
import { assertFunction, assertObject, routeLayers, routeOptions } from "./options.js";

export interface StripeReconcileRouteOptions extends ReconcileOptions {
  /**
   * Decides whether a request may run the sweep (e.g. a bearer token your scheduler sends, compared
   * in constant time). Required: anyone who can call the route makes it call Stripe and your
   * database. `false` → 401 `UNAUTHORIZED`; a throw → 500 `INTERNAL_ERROR`.
   */
  authorize: (request: Request) => boolean | Promise<boolean>;
}

/** Of the answer, time kept back for saving the cursor: a tenth of the budget, at most half a second. */
const SAVE_RESERVE_MS = 500;

/**
 * `GET` and `POST` route for a scheduler that closes the gaps Stripe's retries leave: replays the
 * events since its cursor (`?mode=events`, the default) through the webhook route's own
 * processing and idempotency keys, or writes every subscription's current state
 * (`?mode=subscriptions`). Answers `{ scanned, applied, duplicates, ignored, failed, done, cursor }`
 * within `maxDurationMs`; call again while `done` is false. A Stripe listing failure → 502
 * `UPSTREAM_ERROR` with the cursor unchanged.
 *
 * @example
 * // app/api/stripe/reconcile/route.ts
 * const handler = createStripeReconcileRoute({
 *   ...webhookOptions, // the adapter functions, stripe, on and idempotency of your webhook route
 *   cursor: createPostgresCursorStore(query),
 *   authorize: (request) => bearerMatches(request, process.env.CRON_SECRET),
 *   maxDurationMs: 50_000,
 * });
 * export { handler as GET, handler as POST };
 */
export function createStripeReconcileRoute(options: StripeReconcileRouteOptions): Handler {
  assertObject(options, "createStripeReconcileRoute options");
  assertFunction(options.authorize, "authorize");
  const engine = createReconcileEngine(options, "createStripeReconcileRoute");
  const authorize = options.authorize;
  const layers = routeLayers(options, ["GET", "POST"], JSON_BODY_LIMIT);
  // Right after the audit layer, so even a 405 is reported with the key's mode.
  if (engine.stripeMode !== undefined) layers.splice(1, 0, reportStripeMode(engine.stripeMode));
  layers.push(authorization(authorize));
  const budget = engine.maxDurationMs - Math.min(SAVE_RESERVE_MS, engine.maxDurationMs / 10);

  return compose(layers, reconcileEndpoint(engine, budget), routeOptions(options, RECONCILE_ROUTE));
}

function authorization(authorize: StripeReconcileRouteOptions["authorize"]): Middleware {
  return async function authorization(ctx, next) {
    let allowed: unknown;
    try {
      allowed = await authorize(ctx.request);
    } catch (error) {
      throw new TollgateError("INTERNAL_ERROR", { cause: error });
    }
    // Only a real `true` opens the route: a truthy string or object from a buggy check does not.
    if (allowed !== true) throw new TollgateError("UNAUTHORIZED");
    return next();
  };
}

function reconcileEndpoint(engine: ReconcileEngine, budget: number) {
  return async function reconcile(ctx: RouteContext): Promise<Response> {
    const mode = modeOf(ctx.url);
    engine.assertConfigured();
    const result = await engine.pass(mode, { deadlineAt: ctx.receivedAt + budget, url: ctx.url });
    if (result.beyondHorizon) {
      // Events older than the lookback may be gone for good: the subscriptions mode repairs rows.
      ctx.audit.level = "warn";
      ctx.audit.syncStatus = "beyond-horizon";
    }
    ctx.audit.outcome = "processed";
    const { scanned, applied, duplicates, ignored, failed, done, cursor } = result;
    return json({ scanned, applied, duplicates, ignored, failed, done, cursor }, 200, { "cache-control": "no-store" });
  };
}

function modeOf(url: string): ReconcileMode {
  const mode = new URL(url).searchParams.get("mode");
  if (mode === null || mode === "" || mode === "events") return "events";
  if (mode === "subscriptions") return "subscriptions";
  throw new TollgateError("VALIDATION_ERROR", { details: { mode: ['must be "events" or "subscriptions"'] } });
}
