import type { Endpoint, Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { json } from "../http/response.js";
import {
  createStripeEventProcessor,
  HANDLED_EVENT_TYPES,
  type StripeEventProcessor,
} from "../routes/stripe-event-processing.js";
import { syncSubscription } from "../routes/stripe-webhook-sync.js";
import { createMemoryCursorStore } from "../stores/memory-cursor.js";
import { reportStripeMode, stripeMode } from "../stripe/client.js";
import { parseStripeEvent } from "../stripe/event.js";
import { cursorOf, eventsCursor, readEventsCursor, readSubscriptionsCursor, subscriptionsCursor } from "./cursor.js";
import { deadline } from "./deadline.js";
import type { ListedEvent } from "./event-window.js";
import { sweepEvents } from "./events-sweep.js";
import { itemRunner } from "./item-run.js";
import { RECONCILE_TTL_MS, type ReconcileOptions, resolveReconcileOptions } from "./options.js";
import { sweepSubscriptions } from "./subscriptions-sweep.js";
import type { ReconcileMode, ReconcileProgress, ReconcileSummary } from "./summary.js";

export interface PassOptions {
  /** Stop starting new work at this time (ms since the epoch); null: run to the end. */
  deadlineAt: number | null;
  onProgress?: (progress: ReconcileProgress) => void;
  /** The URL the items' contexts report (the reconcile request's). */
  url?: string;
}

export interface PassResult extends ReconcileSummary {
  cursor: string;
  /** The saved events cursor was older than Stripe keeps events. */
  beyondHorizon: boolean;
}

/** The sweep shared by the reconcile route and `reconcileStripe`. */
export interface ReconcileEngine {
  /** One call's worth: from the saved cursor to the present or the deadline; saves the cursor. */
  pass(mode: ReconcileMode, options: PassOptions): Promise<PassResult>;
  /** Throws `CONFIGURATION_ERROR` when Stripe cannot be called at all. */
  assertConfigured(): void;
  readonly maxDurationMs: number;
  readonly stripeMode: "test" | "live" | undefined;
}

const DEFAULT_URL = "http://localhost/stripe-reconcile";

export function createReconcileEngine(options: ReconcileOptions, name: string): ReconcileEngine {
  const resolved = resolveReconcileOptions(options, name);
  const idempotency =
    options.idempotency === false ? false : { ttlMs: RECONCILE_TTL_MS, ...(options.idempotency ?? {}) };
  // The webhook route's own processing: same action, same handlers, same `stripe:<event id>` keys.
  const processor = createStripeEventProcessor({ ...options, idempotency });
  const store = resolved.cursor ?? createMemoryCursorStore();
  const types = new Set<string>([...HANDLED_EVENT_TYPES, ...processor.handlerTypes]);
  const keyMode = stripeMode(options.stripe.secretKey);
  const mode: Middleware[] = keyMode === undefined ? [] : [reportStripeMode(keyMode)];
  const configured = options.stripe.client !== undefined || keyMode !== undefined;

  function runners(url: string) {
    return {
      event: itemRunner(options, [...mode, requireEvent, ...processor.layers], processor.dispatch, url),
      subscription: itemRunner(options, mode, writeSubscription(processor), url),
    };
  }
  const defaults = runners(DEFAULT_URL);

  return {
    maxDurationMs: resolved.maxDurationMs,
    stripeMode: keyMode,
    assertConfigured() {
      if (!configured) {
        throw new TollgateError("CONFIGURATION_ERROR", {
          cause: new Error("reconcile needs a well-formed stripe.secretKey or a stripe.client"),
        });
      }
    },
    async pass(sweep, pass) {
      const run = pass.url === undefined ? defaults : runners(pass.url);
      const cursor = cursorOf(store, sweep);
      const saved = await cursor.get();
      const time = deadline(pass.deadlineAt);
      if (sweep === "events") {
        const result = await sweepEvents({
          client: processor.sync.client,
          types,
          cursor: readEventsCursor(saved),
          lookbackSeconds: resolved.lookbackSeconds,
          time,
          process: (event) => run.event((ctx) => prepareEvent(ctx, event)),
          onProgress: pass.onProgress,
        });
        const value = eventsCursor(result.position);
        await cursor.set(value);
        const { position: _, ...summary } = result;
        return { ...summary, cursor: value };
      }
      const result = await sweepSubscriptions({
        client: processor.sync.client,
        after: readSubscriptionsCursor(saved),
        time,
        process: (subscription) =>
          run.subscription((ctx) => {
            (ctx.state as { subscription?: unknown }).subscription = subscription;
          }),
        onProgress: pass.onProgress,
      });
      const value = subscriptionsCursor(result.after);
      await cursor.set(value);
      const { after: _, ...summary } = result;
      return { ...summary, cursor: value, beyondHorizon: false };
    },
  };
}

/** Fills the item's context as the signature and payload layers would for a delivery. */
function prepareEvent(ctx: RouteContext, event: ListedEvent): void {
  ctx.state.signedAt = Math.floor(Date.now() / 1000);
  ctx.audit.eventType = event.type;
  ctx.audit.eventId = event.id;
  const parsed = parseStripeEvent(event);
  if (parsed === null) return;
  ctx.state.event = parsed.event;
  ctx.state.idempotencyKey = parsed.idempotencyKey;
}

// An object Stripe listed that is not an event envelope fails (and holds the cursor) rather than
// being skipped.
const requireEvent: Middleware = async function requireEvent(ctx, next) {
  if (ctx.state.event === undefined) throw new TollgateError("INVALID_PAYLOAD");
  return next();
};

function writeSubscription(processor: StripeEventProcessor): Endpoint {
  return async function writeSubscription(ctx) {
    const subscription = (ctx.state as { subscription?: unknown }).subscription;
    const outcome = await syncSubscription(ctx, subscription, processor.sync, new Date());
    ctx.audit.outcome = outcome === "processed" ? "processed" : "ignored";
    return json({ received: true });
  };
}
