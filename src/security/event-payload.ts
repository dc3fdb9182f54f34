import type { Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";

/** What a payload parser makes of a verified body. */
export interface ParsedEvent<E> {
  event: E;
  /** Event type, e.g. `customer.subscription.updated`. */
  type: string;
  /** Event id for the audit entry, e.g. `evt_…` or the svix-id. */
  id: string;
  /** Namespaced idempotency key, e.g. `stripe:evt_…`. */
  idempotencyKey: string;
}

export interface EventPayloadOptions<E> {
  /**
   * Turns the parsed JSON into an event, or returns null when it is not an event envelope
   * (→ 400 `INVALID_PAYLOAD`). Receives the context for ids carried by headers.
   */
  parse: (value: unknown, ctx: RouteContext) => ParsedEvent<E> | null;
}

/**
 * Parses the verified raw body as JSON and as an event envelope; sets `ctx.state.event`,
 * `ctx.state.idempotencyKey` and the audit entry's `eventType`/`eventId`. A body that is not
 * JSON or not an envelope answers 400 `INVALID_PAYLOAD`. Unknown fields are kept.
 */
export function eventPayload<E>(options: EventPayloadOptions<E>): Middleware {
  if (typeof options?.parse !== "function") throw new TypeError("tollgate: eventPayload.parse must be a function");
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const { parse } = options;
  function read(ctx: RouteContext): void {
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(ctx.rawBody ?? new Uint8Array(0)));
    } catch (error) {
      throw new TollgateError("INVALID_PAYLOAD", { message: "The webhook body is not JSON.", cause: error });
    }
    const parsed = parse(value, ctx);
    if (parsed === null) throw new TollgateError("INVALID_PAYLOAD");
    ctx.state.event = parsed.event;
    ctx.state.idempotencyKey = parsed.idempotencyKey;
    ctx.audit.eventType = parsed.type;
    ctx.audit.eventId = parsed.id;
  }
  // Not async: the parse is synchronous, so the layer hands on next()'s promise instead of wrapping it.
  return function eventPayload(ctx, next) {
    try {
      read(ctx);
    } catch (error) {
      return Promise.reject(error);
    }
    return next();
  };
}
