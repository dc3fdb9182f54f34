import { z } from "zod";
import type { ParsedEvent } from "../security/event-payload.js";

/**
 * The envelope every Stripe event shares. Only what tollgate relies on is checked; unknown fields
 * survive (Stripe adds fields without a new API version).
 */
export const stripeEventEnvelope = z.looseObject({
  id: z.string().min(1),
  object: z.literal("event"),
  type: z.string().min(1),
  /** Unix seconds. */
  created: z.number().int().nonnegative(),
  api_version: z.string().nullish(),
  // A plain-object check, not z.record: walking and copying every field of a large object is the
  // most expensive part of parsing, and the copy is discarded (handlers get the value as received).
  data: z.looseObject({ object: z.custom<Record<string, unknown>>(isPlainObject) }),
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A verified Stripe event as tollgate sees it: the checked envelope, everything else as received. */
export type StripeEventEnvelope = z.infer<typeof stripeEventEnvelope>;

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
 * type and id, and the idempotency key `stripe:<event id>`. Null when the JSON is not an envelope.
 *
 * @example
 * eventPayload({ parse: parseStripeEvent })
 */
export function parseStripeEvent(value: unknown): ParsedEvent<StripeEventEnvelope> | null {
  if (!isStripeEnvelope(value) && !stripeEventEnvelope.safeParse(value).success) return null;
  // Handlers get the body exactly as Stripe sent it, so hand on the input rather than zod's copy.
  const event = value as StripeEventEnvelope;
  return { event, type: event.type, id: event.id, idempotencyKey: `stripe:${event.id}` };
}
