import {
  type ClerkBillingItemEvents,
  type ClerkEventDataMap,
  type ClerkEventEnvelope,
  dataSchemaOf,
  parseClerkEvent,
  typeAliases,
} from "../clerk/events.js";
import { svixScheme } from "../clerk/signature.js";
import { compose, type Handler, type Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { answer } from "../http/response.js";
import { assertSecretShape } from "../http/secrets.js";
import { WEBHOOK_BODY_LIMIT } from "../security/body-limit.js";
import { eventPayload } from "../security/event-payload.js";
import { signature } from "../security/signature.js";
import {
  assertFunction,
  assertObject,
  callHost,
  routeLayers,
  routeOptions,
  type WebhookHandlerContext,
  type WebhookSecurityOptions,
  webhookLayers,
} from "./options.js";

/** A handler for one Clerk event type: `data` is the event's `data` as received. */
export type ClerkEventHandler<D = unknown> = (data: D, ctx: WebhookHandlerContext<ClerkEventEnvelope>) => unknown;

type TypedHandlers = {
  [T in keyof (ClerkEventDataMap & ClerkBillingItemEvents)]?: ClerkEventHandler<
    (ClerkEventDataMap & ClerkBillingItemEvents)[T]
  >;
};

/**
 * Event type → handler. Typed for the user, session, organization and Clerk Billing events; any
 * other type takes `unknown` data; `"*"` receives every event no other handler takes.
 */
export type ClerkEventHandlers = TypedHandlers & { "*"?: ClerkEventHandler<unknown> } & Record<
    string,
    // biome-ignore lint/suspicious/noExplicitAny: untyped event types take any data
    ClerkEventHandler<any> | undefined
  >;

export interface ClerkWebhookRouteOptions extends WebhookSecurityOptions {
  /**
   * The endpoint's signing secret (`whsec_…`, from the Clerk dashboard), or several during a
   * rotation. Absent or empty → every request answers 500 `CONFIGURATION_ERROR` (checked per
   * request, so `next build` works without the env var).
   */
  secret: string | string[] | undefined;
  /** Your handlers. A throw answers 500 `HANDLER_FAILED`; Svix retries and the event is not marked processed. */
  on?: ClerkEventHandlers;
}

type AnyHandler = (data: unknown, ctx: WebhookHandlerContext<ClerkEventEnvelope>) => unknown;

/**
 * `POST` route for Clerk webhooks (delivered by Svix): verifies the signature over the raw body,
 * refuses replays outside the window, deduplicates by `svix-id`, validates the data of the types you
 * handle, and routes each event to `on[type]` (or `on["*"]`). Unhandled types are acknowledged with 200.
 *
 * @example
 * // app/api/webhooks/clerk/route.ts
 * const handler = createClerkWebhookRoute({
 *   secret: process.env.CLERK_WEBHOOK_SECRET,
 *   on: { "user.created": async (user, ctx) => db.createUserWithCredits(user.id, primaryEmail(user), ctx.eventId) },
 * });
 * export { handler as POST };
 */
export function createClerkWebhookRoute(options: ClerkWebhookRouteOptions): Handler {
  assertObject(options, "createClerkWebhookRoute options");
  assertSecretShape(options.secret, "secret");
  const handlers = handlersOf(options.on);
  const layers = routeLayers(options, ["POST"], WEBHOOK_BODY_LIMIT);
  const { window, idempotency } = webhookLayers(options);
  layers.push(
    signature({ scheme: svixScheme, secret: options.secret }),
    recordSvixId,
    window,
    eventPayload({ parse: parseClerkEvent }),
  );
  if (idempotency) layers.push(idempotency);
  return compose(layers, (ctx) => dispatch(ctx, handlers), routeOptions(options, "clerk-webhook"));
}

/** Puts the verified svix-id in the audit entry before the window check, so replays are traceable. */
const recordSvixId: Middleware = function recordSvixId(ctx, next) {
  const id = (ctx.state as { deliveryId?: string }).deliveryId;
  if (id !== undefined) {
    ctx.audit.svixId = id;
    ctx.audit.eventId = id;
  }
  return next();
};

async function dispatch(ctx: RouteContext, handlers: ReadonlyMap<string, AnyHandler>): Promise<Response> {
  const event = ctx.state.event as ClerkEventEnvelope;
  const key = typeAliases(event.type).find((type) => handlers.has(type));
  const handler = key === undefined ? handlers.get("*") : handlers.get(key);
  if (handler === undefined) {
    ctx.audit.outcome = "ignored";
    return answer({ received: true });
  }
  const schema = key === undefined ? undefined : dataSchemaOf(event.type);
  if (schema !== undefined && !schema.safeParse(event.data).success) {
    throw new TollgateError("INVALID_PAYLOAD", { message: `The ${event.type} event does not carry valid data.` });
  }
  const context: WebhookHandlerContext<ClerkEventEnvelope> = {
    eventId: ctx.audit.svixId ?? "",
    eventType: event.type,
    requestId: ctx.requestId,
    timestamp: new Date((ctx.state.signedAt ?? 0) * 1000),
    event,
  };
  await callHost(ctx, key ?? "*", () => handler(event.data, context), "HANDLER_FAILED");
  ctx.audit.outcome = "processed";
  ctx.audit.syncStatus = "handled";
  return answer({ received: true });
}

function handlersOf(on: unknown): ReadonlyMap<string, AnyHandler> {
  if (on === undefined) return new Map();
  assertObject(on, "on");
  for (const [type, handler] of Object.entries(on)) assertFunction(handler, `on["${type}"]`, true);
  return new Map(Object.entries(on).filter((entry): entry is [string, AnyHandler] => entry[1] !== undefined));
}
