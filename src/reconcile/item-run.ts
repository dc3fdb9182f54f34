import type { AuditSink } from "../http/audit-entry.js";
import { chain, type Endpoint, type Middleware } from "../http/compose.js";
import { createContext, type RequestSource, type RouteContext } from "../http/context.js";
import type { ErrorReporter } from "../http/report-error.js";
import { audit, type SecurityWarningOptions } from "../security/audit.js";
import type { ItemOutcome } from "./summary.js";

/** The audit route name of the reconcile route and of every event or subscription it applies. */
export const RECONCILE_ROUTE = "stripe-reconcile";

const NO_HEADERS = { get: () => null };

// Events and subscriptions the sweep applies have no request of their own: each gets a context as
// if Stripe had delivered it, so the webhook processing and the audit layer run unchanged.
function itemSource(url: string): RequestSource {
  return {
    method: "POST",
    url,
    headers: NO_HEADERS,
    body: () => null,
    toRequest: () => new Request(url, { method: "POST" }),
  };
}

/** Runs one item (event or subscription) through `layers` and `endpoint` with its own audit entry. */
export type ItemRunner = (prepare: (ctx: RouteContext) => void) => Promise<ItemOutcome>;

export function itemRunner(
  options: { audit?: AuditSink | false; securityWarning?: SecurityWarningOptions; onError?: ErrorReporter },
  layers: readonly Middleware[],
  endpoint: Endpoint,
  url: string,
): ItemRunner {
  const run = chain([audit({ sink: options.audit, securityWarning: options.securityWarning }), ...layers], endpoint);
  return async (prepare) => {
    const ctx = createContext(itemSource(url), RECONCILE_ROUTE, { onError: options.onError });
    prepare(ctx);
    // The audit layer turns anything thrown into the error response (and logs a 5xx cause).
    const response = await run(ctx);
    return outcomeOf(response.status, ctx.audit.outcome);
  };
}

function outcomeOf(status: number, recorded: string | undefined): ItemOutcome {
  // 409 EVENT_IN_FLIGHT: a webhook delivery of the same event is being processed right now.
  if (status === 409) return "in-flight";
  if (status >= 400) return "failed";
  if (recorded === "duplicate") return "duplicate";
  if (recorded === "ignored") return "ignored";
  return "applied";
}
