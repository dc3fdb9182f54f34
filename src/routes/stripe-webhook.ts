import type Stripe from "stripe";
import { compose, type Handler, type Middleware } from "../http/compose.js";
import { TollgateError } from "../http/errors.js";
import { assertSecretShape, secretList } from "../http/secrets.js";
import { WEBHOOK_BODY_LIMIT } from "../security/body-limit.js";
import { eventPayload } from "../security/event-payload.js";
import { signature } from "../security/signature.js";
import { timestampWindow } from "../security/timestamp-window.js";
import { reportStripeMode, type StripeClientOptions, stripeMode } from "../stripe/client.js";
import { parseStripeEvent } from "../stripe/event.js";
import { stripeScheme } from "../stripe/signature.js";
import type { WebhookDatabaseAdapter } from "./adapters.js";
import {
  assertObject,
  routeLayers,
  routeOptions,
  type WebhookHandlerContext,
  type WebhookSecurityOptions,
} from "./options.js";
import { createStripeEventProcessor } from "./stripe-event-processing.js";
import type { StripeSync } from "./stripe-webhook-sync.js";

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
  // Adapter functions, `stripe`, `sync` and `on` are checked by the shared processing.
  const processor = createStripeEventProcessor(options);
  assertSecretShape(options.stripe.webhookSecret, "stripe.webhookSecret");
  const { webhookSecret } = options.stripe;
  const secret = Array.isArray(webhookSecret) ? [...webhookSecret] : webhookSecret;
  const stripe: StripeClientOptions = { secretKey: options.stripe.secretKey, client: options.stripe.client };
  const layers = routeLayers(options, ["POST"], WEBHOOK_BODY_LIMIT);
  const keyMode = stripeMode(stripe.secretKey);
  // Right after the audit layer, so even a 405 is reported with the key's mode.
  if (keyMode !== undefined) layers.splice(1, 0, reportStripeMode(keyMode));
  layers.push(
    configuration(secret, stripe, processor.sync.mode),
    signature({ scheme: stripeScheme, secret, secretName: STRIPE_SECRET_NAME }),
    timestampWindow(options.timestampWindow),
    eventPayload({ parse: parseStripeEvent }),
    // Claim → dispatch → complete/release: the same processing the reconcile sweep runs.
    ...processor.layers,
  );
  return compose(layers, processor.dispatch, routeOptions(options, "stripe-webhook"));
}

function usable(secret: string | string[] | undefined): boolean {
  try {
    secretList(secret, STRIPE_SECRET_NAME);
    return true;
  } catch {
    return false;
  }
}

const STRIPE_SECRET_NAME =
  "The Stripe webhook signing secret (stripe.webhookSecret, usually process.env.STRIPE_WEBHOOK_SECRET: the endpoint's whsec_… secret)";

/** Per request, before the signature: a route that cannot work answers 500 whatever was sent. */
function configuration(
  secret: string | string[] | undefined,
  stripe: StripeClientOptions,
  mode: StripeSync["mode"],
): Middleware {
  const refetchWithoutApi =
    mode === "refetch" && stripe.client === undefined && stripeMode(stripe.secretKey) === undefined;
  // The secret was copied at creation, so whether it is usable is known once; a route without one
  // still builds, and answers each request with a fresh CONFIGURATION_ERROR.
  const secretUsable = usable(secret);
  return function configuration(_ctx, next) {
    if (!secretUsable) {
      try {
        secretList(secret, STRIPE_SECRET_NAME);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (refetchWithoutApi) {
      return Promise.reject(
        new TollgateError("CONFIGURATION_ERROR", {
          cause: new Error('sync "refetch" needs a well-formed stripe.secretKey or a stripe.client'),
        }),
      );
    }
    return next();
  };
}
