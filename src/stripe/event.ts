import { z } from "zod";
import type { ParsedEvent } from "../security/event-payload.js";
import { lazy } from "../validation/lazy.js";
import { isPlainObject } from "../validation/plain-object.js";

/**
 * The envelope every Stripe event shares. Only what tollgate relies on is checked; unknown fields
 * survive (Stripe adds fields without a new API version).
 */
export const stripeEventEnvelope = lazy(() =>
  z.looseObject({
    id: z.string().min(1),
    object: z.literal("event"),
    type: z.string().min(1),
    /** Unix seconds. */
    created: z.number().int().nonnegative(),
    api_version: z.string().nullish(),
    // A plain-object check, not z.record: walking and copying every field of a large object is the
    // most expensive part of parsing, and the copy is discarded (handlers get the value as received).
    data: z.looseObject({ object: z.custom<Record<string, unknown>>(isPlainObject) }),
  }),
);

/** A verified Stripe event as tollgate sees it: the checked envelope, everything else as received. */
export type StripeEventEnvelope = z.infer<ReturnType<typeof stripeEventEnvelope>>;

/**
 * A thin event notification (`"object": "v2.core.event"`), sent by Stripe event destinations: ids
 * and a type, no snapshot of the object (`related_object` names it; `created` is an ISO string).
 */
export const stripeThinEventEnvelope = lazy(() =>
  z.looseObject({
    id: z.string().min(1),
    object: z.literal("v2.core.event"),
    type: z.string().min(1),
    created: z.string().nullish(),
  }),
);

/** A verified thin event notification, everything beyond the checked fields as received. */
export type StripeThinEvent = z.infer<ReturnType<typeof stripeThinEventEnvelope>>;

/** Whether a verified event is a thin notification rather than a snapshot event. */
export function isThinEvent(event: StripeEventEnvelope | StripeThinEvent): event is StripeThinEvent {
  return event.object === "v2.core.event";
}

/**
 * The envelope check by hand: the same rules as `stripeEventEnvelope`, without a schema walk on every
 * delivery. It may only accept what the schema accepts; whatever it refuses goes to the schema, which
 * decides and says which field failed.
 */
export function isStripeEnvelope(value: unknown): value is StripeEventEnvelope {
  if (!isPlainObject(value)) return false;
  const { id, object, type, created, api_version: apiVersion, data } = value;
  return (
    typeof id === "string" &&
    id.length > 0 &&
    object === "event" &&
    typeof type === "string" &&
    type.length > 0 &&
    typeof created === "number" &&
    Number.isSafeInteger(created) &&
    created >= 0 &&
    (apiVersion === undefined || apiVersion === null || typeof apiVersion === "string") &&
    isPlainObject(data) &&
    isPlainObject(data.object)
  );
}

/**
 * Parser for the `eventPayload` layer: the event itself (the value as received, not a copy), its
 * type and id, and the idempotency key `stripe:<event id>`; snapshot events (`"object": "event"`)
 * and thin notifications (`"object": "v2.core.event"`) alike. Null when the JSON is neither.
 *
 * @example
 * eventPayload({ parse: parseStripeEvent })
 */
export function parseStripeEvent(value: unknown): ParsedEvent<StripeEventEnvelope | StripeThinEvent> | null {
  if (isPlainObject(value) && value.object === "v2.core.event") {
    if (!stripeThinEventEnvelope().safeParse(value).success) return null;
  } else if (!isStripeEnvelope(value) && !stripeEventEnvelope().safeParse(value).success) {
    return null;
  }
  // Handlers get the body exactly as Stripe sent it, so hand on the input rather than zod's copy.
  const event = value as StripeEventEnvelope | StripeThinEvent;
  return { event, type: event.type, id: event.id, idempotencyKey: `stripe:${event.id}` };
}
