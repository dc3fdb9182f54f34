import { chain, type Endpoint, type Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { received } from "../http/response.js";
import {
  assertStripeClientOptions,
  canCallStripe,
  lazyStripeClient,
  type StripeClientOptions,
} from "../stripe/client.js";
import { isThinEvent, type StripeEventEnvelope, type StripeThinEvent } from "../stripe/event.js";
import { createEventOrder } from "../stripe/event-order.js";
import { assertFunction, assertObject, callHost, type WebhookHandlerContext, webhookLayers } from "./options.js";
import type { WebhookRouteOptions } from "./stripe-webhook.js";
import { type StripeSync, syncEvent } from "./stripe-webhook-sync.js";

/** What processing a verified Stripe event needs: the webhook route's options but its signing secret. */
export type StripeEventProcessingOptions = Omit<WebhookRouteOptions, "stripe"> & { stripe: StripeClientOptions };

/** The event types tollgate's own action handles (besides the `on` handlers). */
export const HANDLED_EVENT_TYPES = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
] as const;

/**
 * The webhook route's processing of one verified event, shared by the webhook route and the
 * reconcile sweep so both apply an event the same way under the same idempotency key.
 */
export interface StripeEventProcessor {
  /**
   * Claim `ctx.state.idempotencyKey` (`stripe:<event id>`) → tollgate's action and the `on` handler
   * → complete on success, release on failure. Resolves to `{ received: true }` (or the duplicate
   * answer) with `ctx.audit.outcome` set; throws a `TollgateError` for failures (`EVENT_IN_FLIGHT`,
   * `HANDLER_FAILED`, `UPSTREAM_ERROR`, `STORE_UNAVAILABLE`, …). `ctx.state.event` must hold the event.
   */
  run(ctx: RouteContext): Promise<Response>;
  /** The same, as layers and an endpoint to compose after the verification layers. */
  readonly layers: readonly Middleware[];
  readonly dispatch: Endpoint;
  readonly sync: StripeSync;
  /** The event types with an `on` handler. */
  readonly handlerTypes: readonly string[];
}

type AnyHandler = (data: unknown, ctx: WebhookHandlerContext<unknown>) => unknown;

const ADAPTER_FUNCTIONS = ["findUserByCustomerId", "upsertSubscription", "updateSubscriptionStatus"] as const;

/** Subscriptions whose newest applied event time is remembered in payload mode. */
const EVENT_ORDER_MAX = 10_000;

/** Checks the options (a `TypeError` naming the bad one) and builds the processor. */
export function createStripeEventProcessor(options: StripeEventProcessingOptions): StripeEventProcessor {
  for (const name of ADAPTER_FUNCTIONS) assertFunction(options[name], name);
  const given: unknown = options.stripe;
  assertObject(given, "stripe");
  assertStripeClientOptions(options.stripe, "stripe");
  if (options.sync !== undefined && options.sync !== "refetch" && options.sync !== "payload") {
    throw new TypeError('tollgate: sync must be "refetch" or "payload"');
  }
  const on = handlersOf(options.on);
  const stripe: StripeClientOptions = Object.freeze({
    secretKey: options.stripe.secretKey,
    client: options.stripe.client,
  });
  const sync: StripeSync = {
    adapter: {
      findUserByCustomerId: options.findUserByCustomerId,
      upsertSubscription: options.upsertSubscription,
      updateSubscriptionStatus: options.updateSubscriptionStatus,
    },
    mode: options.sync ?? (canCallStripe(stripe) ? "refetch" : "payload"),
    client: lazyStripeClient(stripe),
    order: createEventOrder(EVENT_ORDER_MAX),
  };
  const { idempotency } = webhookLayers(options);
  const layers: Middleware[] = idempotency ? [idempotency] : [];

  async function dispatch(ctx: RouteContext): Promise<Response> {
    const event = ctx.state.event as StripeEventEnvelope | StripeThinEvent;
    // A thin notification carries no snapshot to sync: it is your handler's, or acknowledged.
    const outcome = isThinEvent(event) ? null : await syncEvent(ctx, event, sync);
    const handler = on.get(event.type);
    if (handler !== undefined) {
      const context = handlerContext(ctx, event);
      const data = isThinEvent(event) ? event : event.data.object;
      await callHost(ctx, event.type, () => handler(data, context), "HANDLER_FAILED");
    }
    ctx.audit.outcome = handler !== undefined || outcome === "processed" ? "processed" : "ignored";
    return received();
  }

  return Object.freeze({
    run: chain(layers, dispatch),
    layers: Object.freeze(layers),
    dispatch,
    sync,
    handlerTypes: Object.freeze([...on.keys()]),
  });
}

/** A copy of the handler map (a Map, so an event type such as `constructor` finds nothing inherited). */
function handlersOf(on: unknown): ReadonlyMap<string, AnyHandler> {
  if (on === undefined) return new Map();
  assertObject(on, "on");
  for (const [type, handler] of Object.entries(on)) assertFunction(handler, `on["${type}"]`, true);
  return new Map(Object.entries(on).filter((entry): entry is [string, AnyHandler] => entry[1] !== undefined));
}

function handlerContext(
  ctx: RouteContext,
  event: StripeEventEnvelope | StripeThinEvent,
): WebhookHandlerContext<unknown> {
  return {
    eventId: event.id,
    eventType: event.type,
    requestId: ctx.requestId,
    timestamp: new Date((ctx.state.signedAt ?? 0) * 1000),
    event,
  };
}
