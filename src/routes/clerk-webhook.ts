import {
  type ClerkEventDataOf,
  type ClerkEventEnvelope,
  type ClerkEventType,
  type ClerkObject,
  type DataCheck,
  dataCheckOf,
  parseClerkEvent,
  typeAliases,
} from "../clerk/events.js";
import { svixScheme } from "../clerk/signature.js";
import { compose, type Handler, type Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { received } from "../http/response.js";
import { assertSecretShape } from "../http/secrets.js";
import { WEBHOOK_BODY_LIMIT } from "../security/body-limit.js";
import { eventPayload } from "../security/event-payload.js";
import { signature } from "../security/signature.js";
import { issuePaths } from "../validation/issue-paths.js";
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

/**
 * Event type → handler: the Clerk event types tollgate knows (user, session, organization, Clerk
 * Billing, … with typed data where tollgate validates it), `"*"` for every event no other handler
 * takes, and the types you name in `Extra`. A misspelt key is a compile error.
 *
 * Escape hatch for an event type Clerk added after this release: name it in `Extra`
 * (`createClerkWebhookRoute<"newThing.created">({ on: { "newThing.created": … } })`; its data is
 * `ClerkObject`, as received), or handle it in `"*"` by `ctx.eventType`.
 */
export type ClerkEventHandlers<Extra extends string = never> = {
  [T in ClerkEventType]?: ClerkEventHandler<ClerkEventDataOf[T]>;
} & { "*"?: ClerkEventHandler<unknown> } & ExtraHandlers<Extra>;

// A wide `string` (e.g. from `Parameters<typeof createClerkWebhookRoute>`) adds no keys: only named types do.
type ExtraHandlers<Extra extends string> = string extends Extra
  ? unknown
  : { [T in Exclude<Extra, ClerkEventType | "*">]?: ClerkEventHandler<ClerkObject> };

export interface ClerkWebhookRouteOptions<Extra extends string = never> extends WebhookSecurityOptions {
  /**
   * The endpoint's signing secret (`whsec_…`, from the Clerk dashboard), or several during a
   * rotation. Absent or empty → every request answers 500 `CONFIGURATION_ERROR` (checked per
   * request, so `next build` works without the env var).
   */
  secret: string | string[] | undefined;
  /** Your handlers. A throw answers 500 `HANDLER_FAILED`; Svix retries and the event is not marked processed. */
  on?: ClerkEventHandlers<NoInfer<Extra>>;
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
export function createClerkWebhookRoute<Extra extends string = never>(
  options: ClerkWebhookRouteOptions<Extra>,
): Handler {
  assertObject(options, "createClerkWebhookRoute options");
  assertSecretShape(options.secret, "secret");
  const handlers = handlersOf(options.on);
  const layers = routeLayers(options, ["POST"], WEBHOOK_BODY_LIMIT);
  const { window, idempotency } = webhookLayers(options);
  layers.push(
    signature({ scheme: svixScheme, secret: options.secret, secretName: CLERK_SECRET_NAME }),
    recordSvixId,
    window,
    eventPayload({ parse: parseClerkEvent }),
  );
  if (idempotency) layers.push(idempotency);
  // The data check of each handled type, found once: the keys are the handlers' own, so it stays small.
  const checks = new Map<string, DataCheck | undefined>();
  const checkOf = (key: string) => {
    if (!checks.has(key)) checks.set(key, dataCheckOf(key));
    return checks.get(key);
  };
  return compose(layers, (ctx) => dispatch(ctx, handlers, checkOf), routeOptions(options, "clerk-webhook"));
}

const CLERK_SECRET_NAME =
  "The Clerk webhook signing secret (the `secret` option, usually process.env.CLERK_WEBHOOK_SECRET: the endpoint's whsec_… secret from the Clerk dashboard)";

/** Puts the verified svix-id in the audit entry before the window check, so replays are traceable. */
const recordSvixId: Middleware = function recordSvixId(ctx, next) {
  const id = (ctx.state as { deliveryId?: string }).deliveryId;
  if (id !== undefined) {
    ctx.audit.svixId = id;
    ctx.audit.eventId = id;
  }
  return next();
};

async function dispatch(
  ctx: RouteContext,
  handlers: ReadonlyMap<string, AnyHandler>,
  checkOf: (key: string) => DataCheck | undefined,
): Promise<Response> {
  const event = ctx.state.event as ClerkEventEnvelope;
  const key = typeAliases(event.type).find((type) => handlers.has(type));
  const handler = key === undefined ? handlers.get("*") : handlers.get(key);
  if (handler === undefined) {
    ctx.audit.outcome = "ignored";
    return received();
  }
  const check = key === undefined ? undefined : checkOf(key);
  const checked = check === undefined || check.byHand?.(event.data) ? undefined : check.schema().safeParse(event.data);
  if (checked !== undefined && !checked.success) {
    const fields = issuePaths(checked.error).map((path) => (path === "(root)" ? "data" : `data.${path}`));
    throw new TollgateError("INVALID_PAYLOAD", {
      message: `The ${event.type} event does not carry valid data (invalid: ${fields.join(", ")}).`,
      fields,
    });
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
  return received();
}

function handlersOf(on: unknown): ReadonlyMap<string, AnyHandler> {
  if (on === undefined) return new Map();
  assertObject(on, "on");
  for (const [type, handler] of Object.entries(on)) assertFunction(handler, `on["${type}"]`, true);
  return new Map(Object.entries(on).filter((entry): entry is [string, AnyHandler] => entry[1] !== undefined));
}
