import type Stripe from "stripe";
import { z } from "zod";
import { TollgateError } from "../http/errors.js";
import type { SubscriptionData } from "../routes/adapters.js";
import { invalidPayload, issuePaths } from "../validation/issue-paths.js";
import { callStripe } from "./client.js";

/** A Stripe id, or the expanded object that carries it. */
const idOrObject = z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]);
/** Unix seconds; Stripe sends null for "none". */
const seconds = z.number().int().nonnegative().nullish();

/**
 * The subscription fields tollgate maps. `current_period_end` sits on the subscription before API
 * version 2025-03-31 and on each item from then on, so both are optional here.
 */
const subscriptionFields = z.looseObject({
  id: z.string().min(1),
  customer: idOrObject,
  status: z.string().min(1),
  cancel_at_period_end: z.boolean().optional(),
  current_period_end: seconds,
  items: z.looseObject({
    data: z.array(z.looseObject({ price: idOrObject, current_period_end: seconds })).min(1),
  }),
});

export type SubscriptionFields = z.infer<typeof subscriptionFields>;

/** The id of a Stripe reference that may have been expanded into an object. */
export function idOf(reference: string | { id: string }): string {
  return typeof reference === "string" ? reference : reference.id;
}

/**
 * Checks that `value` carries the subscription fields tollgate needs. A subscription event without
 * them is `INVALID_PAYLOAD`; a subscription Stripe's API returned without them is `UPSTREAM_ERROR`.
 */
export function readSubscription(
  value: unknown,
  failure: "INVALID_PAYLOAD" | "UPSTREAM_ERROR" = "INVALID_PAYLOAD",
): SubscriptionFields {
  const result = subscriptionFields.safeParse(value);
  if (!result.success) {
    if (failure === "INVALID_PAYLOAD") throw invalidPayload("subscription", result.error);
    throw new TollgateError(failure, {
      cause: new Error(`subscription fields: ${issuePaths(result.error).join(", ")}`),
    });
  }
  return result.data;
}

/**
 * Maps a Stripe subscription (event copy or API result, any API version; checked with
 * `readSubscription`) to the row the adapter
 * stores: the first item's price, the period end in either API shape (seconds → Date, null if
 * neither), the customer id whether or not `customer` was expanded.
 *
 * @param eventCreatedAt the event's `created`, so a durable adapter can refuse stale writes
 * @example
 * await db.upsertSubscription(toSubscriptionData(event.data.object, user.id, new Date(event.created * 1000)));
 */
export function toSubscriptionData(subscription: unknown, userId: string, eventCreatedAt: Date): SubscriptionData {
  const fields = readSubscription(subscription);
  const [item] = fields.items.data as [SubscriptionFields["items"]["data"][number]];
  const periodEnd = fields.current_period_end ?? item.current_period_end ?? null;
  return {
    id: fields.id,
    userId,
    stripeCustomerId: idOf(fields.customer),
    status: fields.status,
    priceId: idOf(item.price),
    currentPeriodEnd: periodEnd === null ? null : new Date(periodEnd * 1000),
    cancelAtPeriodEnd: fields.cancel_at_period_end ?? false,
    eventCreatedAt,
  };
}

/**
 * Reads a subscription's current state from Stripe (502 `UPSTREAM_ERROR` on any failure, including
 * a malformed answer).
 */
export async function retrieveSubscription(client: () => Promise<Stripe>, id: string): Promise<SubscriptionFields> {
  const subscription = await callStripe("subscriptions.retrieve", async () =>
    (await client()).subscriptions.retrieve(id),
  );
  return readSubscription(subscription, "UPSTREAM_ERROR");
}

const subscriptionId = z.looseObject({ id: z.string().min(1) });

/** The id of a subscription event's object (all a deletion needs); `INVALID_PAYLOAD` without one. */
export function readSubscriptionId(value: unknown): string {
  const result = subscriptionId.safeParse(value);
  if (!result.success) throw invalidPayload("subscription", result.error);
  return result.data.id;
}
