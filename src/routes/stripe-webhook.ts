import type Stripe from "stripe";
import { compose, type Handler, type Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { json } from "../http/response.js";
import { assertSecretShape, secretList } from "../http/secrets.js";
import { WEBHOOK_BODY_LIMIT } from "../security/body-limit.js";
import { eventPayload } from "../security/event-payload.js";
import { signature } from "../security/signature.js";
import {
  assertStripeClientOptions,
  canCallStripe,
  lazyStripeClient,
  reportStripeMode,
  type StripeClientOptions,
  stripeMode,
} from "../stripe/client.js";
import { isThinEvent, parseStripeEvent, type StripeEventEnvelope, type StripeThinEvent } from "../stripe/event.js";
import { createEventOrder } from "../stripe/event-order.js";
import { stripeScheme } from "../stripe/signature.js";
import type { WebhookDatabaseAdapter } from "./adapters.js";
import {
  assertFunction,
  assertObject,
  callHost,
  routeLayers,
  type WebhookHandlerContext,
  type WebhookSecurityOptions,
  webhookLayers,
} from "./options.js";
import { type StripeSync, syncEvent } from "./stripe-webhook-sync.js";

/** Every event type the installed `stripe` SDK knows. */
export type StripeEventType = Stripe.Event["type"];

/** The SDK's type for the event of type `T`. */
export type StripeEventOf<T extends StripeEventType> = Extract<Stripe.Event, { type: T }>;

/** Handles one event type: `data` is the event's `data.object` as received, `ctx` the delivery. */
export type StripeEventHandler<T extends StripeEventType = StripeEventType> = (
  data: StripeEventOf<T>["data"]["object"],
  ctx: WebhookHandlerContext<StripeEventOf<T>>,
) => unknown;

/** Every thin event notification type (`v1.…`, `v2.…`) the installed `stripe` SDK knows. */
export type StripeThinEventType = Stripe.V2.Core.EventNotification["type"];

/**
 * A thin event notification of type `T` as it arrives (JSON): the SDK's notification type without
 * the methods the SDK adds when it parses one (`fetchEvent`, `fetchRelatedObject`).
 */
export type StripeThinEventOf<T extends StripeThinEventType> = Omit<
  Extract<Stripe.V2.Core.EventNotification, { type: T }>,
  "fetchEvent" | "fetchRelatedObject" | "context"
> & { context?: string | null };

/** Handles one thin event type: `notification` is the notification as received, `ctx` the delivery. */
export type StripeThinEventHandler<T extends StripeThinEventType = StripeThinEventType> = (
  notification: StripeThinEventOf<T>,
  ctx: WebhookHandlerContext<StripeThinEventOf<T>>,
) => unknown;

/**
 * Event type → handler, typed from the `stripe` SDK's event union (snapshot events, `data.object`)
 * and its thin notification union (`v1.…`/`v2.…` types, the notification itself).
 */
export type StripeEventHandlers = { [T in StripeEventType]?: StripeEventHandler<T> } & {
  [T in StripeThinEventType]?: StripeThinEventHandler<T>;
};

/** Secrets and API access of the Stripe webhook route. */
export interface StripeWebhookOptions extends StripeClientOptions {
  /**
   * The endpoint's signing secret(s) (`whsec_…`); several during a rotation, any match passes.
   * Absent or empty → every request answers 500 `CONFIGURATION_ERROR` (so `next build` works without env).
   */
  webhookSecret: string | string[] | undefined;
}

export interface WebhookRouteOptions extends WebhookDatabaseAdapter, WebhookSecurityOptions {
  stripe: StripeWebhookOptions;
  /**
   * `"refetch"`: re-read each subscription from Stripe before writing, so out-of-order deliveries
   * converge on Stripe's current state (one API call per subscription event). `"payload"`: write the
   * event's copy without calling Stripe (the SDK is never loaded), skipping an event older than the
   * last one applied to the same subscription in this instance; `checkout.session.completed` is then
   * acknowledged without a write (the subscription events carry the data).
   * @default "refetch" when `stripe.secretKey` or `stripe.client` is set, else "payload"
   */
  sync?: "refetch" | "payload";
  /**
   * Your handlers, by event type. For the types tollgate handles they run after its own write. A
   * throw answers 500 `HANDLER_FAILED` and Stripe retries, so make them idempotent (`ctx.eventId`).
   * Thin event notifications (`"object": "v2.core.event"`, from Stripe event destinations) reach the
   * handler of their type with the notification as received; unhandled ones are acknowledged and
   * audited `ignored`.
   */
  on?: StripeEventHandlers;
}

type AnyHandler = (data: unknown, ctx: WebhookHandlerContext<unknown>) => unknown;

const ADAPTER_FUNCTIONS = ["findUserByCustomerId", "upsertSubscription", "updateSubscriptionStatus"] as const;

/** Subscriptions whose newest applied event time is remembered in payload mode. */
const EVENT_ORDER_MAX = 10_000;

/**
 * `POST` route for Stripe webhooks: verifies the signature over the raw body, refuses replays,
 * deduplicates by event id, and keeps the host's subscription rows in sync. Unknown event types are
 * acknowledged with 200; any adapter or handler failure answers 500 so Stripe retries.
 *
 * @example
 * // app/api/webhooks/stripe/route.ts
 * const handler = createWebhookRoute({
 *   findUserByCustomerId: (id) => db.findUserByCustomerId(id),
 *   upsertSubscription: (data) => db.upsertSubscription(data),
 *   updateSubscriptionStatus: (id, status, meta) => db.updateSubscriptionStatus(id, status, meta),
 *   stripe: { secretKey: process.env.STRIPE_SECRET_KEY, webhookSecret: process.env.STRIPE_WEBHOOK_SECRET },
 *   on: { "invoice.payment_failed": async (invoice, ctx) => notifyBilling(invoice.customer, ctx.eventId) },
 * });
 * export { handler as POST };
 */
export function createWebhookRoute(options: WebhookRouteOptions): Handler {
  assertObject(options, "createWebhookRoute options");
  for (const name of ADAPTER_FUNCTIONS) assertFunction(options[name], name);
  assertObject(options.stripe, "stripe");
  assertSecretShape(options.stripe.webhookSecret, "stripe.webhookSecret");
  assertStripeClientOptions(options.stripe, "stripe");
  if (options.sync !== undefined && options.sync !== "refetch" && options.sync !== "payload") {
    throw new TypeError('tollgate: sync must be "refetch" or "payload"');
  }
  const on = handlersOf(options.on);
  const { webhookSecret } = options.stripe;
  const secret = Array.isArray(webhookSecret) ? [...webhookSecret] : webhookSecret;
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
  const layers = routeLayers(options, ["POST"], WEBHOOK_BODY_LIMIT);
  const keyMode = stripeMode(stripe.secretKey);
  // Right after the audit layer, so even a 405 is reported with the key's mode.
  if (keyMode !== undefined) layers.splice(1, 0, reportStripeMode(keyMode));
  const { window, idempotency } = webhookLayers(options);
  layers.push(
    configuration(secret, stripe, sync.mode),
    signature({ scheme: stripeScheme, secret }),
    window,
    eventPayload({ parse: parseStripeEvent }),
  );
  if (idempotency) layers.push(idempotency);

  return compose(
    layers,
    async function dispatch(ctx: RouteContext) {
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
      return json({ received: true });
    },
    { route: "stripe-webhook" },
  );
}

/** A copy of the handler map (a Map, so an event type such as `constructor` finds nothing inherited). */
function handlersOf(on: unknown): ReadonlyMap<string, AnyHandler> {
  if (on === undefined) return new Map();
  assertObject(on, "on");
  for (const [type, handler] of Object.entries(on)) assertFunction(handler, `on["${type}"]`, true);
  return new Map(Object.entries(on).filter((entry): entry is [string, AnyHandler] => entry[1] !== undefined));
}

/** Per request, before the signature: a route that cannot work answers 500 whatever was sent. */
function configuration(
  secret: string | string[] | undefined,
  stripe: StripeClientOptions,
  mode: StripeSync["mode"],
): Middleware {
  const refetchWithoutApi =
    mode === "refetch" && stripe.client === undefined && stripeMode(stripe.secretKey) === undefined;
  return async function configuration(_ctx, next) {
    secretList(secret, "Stripe webhook secret");
    if (refetchWithoutApi) {
      throw new TollgateError("CONFIGURATION_ERROR", {
        cause: new Error('sync "refetch" needs a well-formed stripe.secretKey or a stripe.client'),
      });
    }
    return next();
  };
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
