import type Stripe from "stripe";
import { z } from "zod";
import { TollgateError } from "../http/errors.js";
import type { SubscriptionData } from "../routes/adapters.js";
import { invalidPayload, issuePaths } from "../validation/issue-paths.js";
import { lazy } from "../validation/lazy.js";
import { isPlainObject } from "../validation/plain-object.js";
import { callStripe } from "./client.js";

/**
 * The subscription fields tollgate maps, lenient wherever Stripe is across API versions 2020-08-27
 * to today: `current_period_end` on the subscription (before 2025-03-31.basil) or on its items;
 * `cancel_at_period_end` true, false, null (published for 2025-03-31.basil) or absent; `cancel_at`
 * null or absent; `items` absent on legacy plan-only objects. Strict only where writing would be
 * wrong: ids, the status, a flag or a time of the wrong type. Built on first use (see `lazy`).
 */
export const subscriptionFields = lazy(() => {
  /** A Stripe id, or the expanded object that carries it. */
  const idOrObject = z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]);
  /** Unix seconds; Stripe sends null (or leaves the field out) for "none". */
  const seconds = z.number().int().nonnegative().nullish();
  /**
   * A subscription item. `price` (API ≥ 2020-08-27: always there) or, on objects written before
   * Prices existed, only `plan`; `current_period_end` sits here from API version 2025-03-31.basil on.
   */
  const itemFields = z.looseObject({
    price: idOrObject.nullish(),
    plan: idOrObject.nullish(),
    current_period_end: seconds,
  });
  return z.looseObject({
    id: z.string().min(1),
    customer: idOrObject,
    status: z.string().min(1),
    cancel_at_period_end: z.boolean().nullish(),
    cancel_at: seconds,
    current_period_end: seconds,
    plan: idOrObject.nullish(),
    items: z.looseObject({ data: z.array(itemFields) }).nullish(),
  });
});

export type SubscriptionFields = z.infer<ReturnType<typeof subscriptionFields>>;

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
  // The hand check passes what the schema passes, without its walk and copy on every delivery;
  // whatever it refuses goes to the schema, which decides and names the failing fields.
  if (isSubscriptionFields(value) && priceReference(value) !== null) return value;
  const result = subscriptionFields().safeParse(value);
  if (!result.success) {
    if (failure === "INVALID_PAYLOAD") throw invalidPayload("subscription", result.error);
    throw new TollgateError(failure, {
      cause: new Error(`subscription fields: ${issuePaths(result.error).join(", ")}`),
    });
  }
  if (priceReference(result.data) === null) {
    const fields = ["items.data[0].price"];
    throw new TollgateError(failure, {
      message:
        failure === "INVALID_PAYLOAD"
          ? `The event does not carry a valid subscription (invalid: ${fields.join(", ")}).`
          : undefined,
      fields: failure === "INVALID_PAYLOAD" ? fields : undefined,
      cause: new Error("subscription fields: no price: items.data[0].price, items.data[0].plan or plan"),
    });
  }
  return result.data;
}

const isId = (value: unknown): boolean => typeof value === "string" && value.length > 0;
const isIdOrObject = (value: unknown): boolean => isId(value) || (isPlainObject(value) && isId(value.id));
const isNullish = (value: unknown): value is null | undefined => value === null || value === undefined;
const isSeconds = (value: unknown): boolean =>
  isNullish(value) || (typeof value === "number" && Number.isSafeInteger(value) && value >= 0);
const isOptionalReference = (value: unknown): boolean => isNullish(value) || isIdOrObject(value);

/**
 * `subscriptionFields` by hand: it may only accept what the schema accepts (the schema is the
 * contract, and a test holds the two together).
 */
export function isSubscriptionFields(value: unknown): value is SubscriptionFields {
  if (!isPlainObject(value)) return false;
  const { items } = value;
  if (
    !(
      isId(value.id) &&
      isIdOrObject(value.customer) &&
      isId(value.status) &&
      (isNullish(value.cancel_at_period_end) || typeof value.cancel_at_period_end === "boolean") &&
      isSeconds(value.cancel_at) &&
      isSeconds(value.current_period_end) &&
      isOptionalReference(value.plan)
    )
  ) {
    return false;
  }
  if (isNullish(items)) return true;
  if (!isPlainObject(items) || !Array.isArray(items.data)) return false;
  for (const item of items.data as unknown[]) {
    if (
      !isPlainObject(item) ||
      !isOptionalReference(item.price) ||
      !isOptionalReference(item.plan) ||
      !isSeconds(item.current_period_end)
    ) {
      return false;
    }
  }
  return true;
}

/** A write without a price would be wrong: every subscription has one, on its first item or (legacy) its plan. */
function priceReference(fields: SubscriptionFields): string | { id: string } | null {
  const item = fields.items?.data[0];
  return item?.price ?? item?.plan ?? fields.plan ?? null;
}

/**
 * The end of the current period, in seconds: the subscription's own (API < 2025-03-31.basil), else
 * the first item's, the item whose price is reported. In classic billing mode every item shares one
 * period; in flexible mode items of different intervals may not, and the first item's is reported
 * so that `priceId` and `currentPeriodEnd` describe the same item.
 */
export function periodEndOf(fields: SubscriptionFields): number | null {
  return fields.current_period_end ?? fields.items?.data[0]?.current_period_end ?? null;
}

/**
 * Maps a Stripe subscription (event copy or API result, any API version; checked with
 * `readSubscription`) to the row the adapter stores: the first item's price (or the legacy plan),
 * the period end in either API shape, the customer id whether or not `customer` was expanded, and
 * the cancellation in either billing mode. In flexible billing mode (the default for new
 * subscriptions from 2025-08-27 on) a cancellation at the period end is `cancel_at` = the period end
 * with `cancel_at_period_end: false`; in classic mode it is `cancel_at_period_end: true`. Both map to
 * `cancelAtPeriodEnd: true`.
 *
 * @param version orders the writes to one subscription: the event's `created` for a payload copy,
 *   the time Stripe's copy was read for a refetched one (see `SubscriptionData.eventCreatedAt`)
 * @example
 * await db.upsertSubscription(toSubscriptionData(event.data.object, user.id, new Date(event.created * 1000)));
 */
export function toSubscriptionData(subscription: unknown, userId: string, version: Date): SubscriptionData {
  return subscriptionRow(readSubscription(subscription), userId, version);
}

/** `toSubscriptionData` for fields `readSubscription` already checked. */
export function subscriptionRow(fields: SubscriptionFields, userId: string, version: Date): SubscriptionData {
  const periodEnd = periodEndOf(fields);
  const cancelAt = fields.cancel_at ?? null;
  const cancelAtPeriodEnd =
    fields.cancel_at_period_end === true || (cancelAt !== null && periodEnd !== null && cancelAt === periodEnd);
  const endsAt = cancelAt ?? (fields.cancel_at_period_end === true ? periodEnd : null);
  return {
    id: fields.id,
    userId,
    stripeCustomerId: idOf(fields.customer),
    status: fields.status,
    priceId: idOf(priceReference(fields) as string | { id: string }),
    currentPeriodEnd: periodEnd === null ? null : new Date(periodEnd * 1000),
    cancelAtPeriodEnd,
    cancelAt: endsAt === null ? null : new Date(endsAt * 1000),
    eventCreatedAt: version,
  };
}

/** Stripe's current copy of a subscription, and when it was read. */
export interface RetrievedSubscription {
  subscription: SubscriptionFields;
  /**
   * When the read started (ms since the epoch): every change Stripe made before this instant is in
   * the copy, so it orders refetched writes by the state they carry.
   */
  readAt: number;
}

/**
 * Reads a subscription's current state from Stripe (502 `UPSTREAM_ERROR` on any failure, including
 * a malformed answer).
 */
export async function retrieveSubscription(client: () => Promise<Stripe>, id: string): Promise<RetrievedSubscription> {
  const stripe = await client();
  const readAt = Date.now();
  const subscription = await callStripe("subscriptions.retrieve", () => stripe.subscriptions.retrieve(id));
  return { subscription: readSubscription(subscription, "UPSTREAM_ERROR"), readAt };
}

const subscriptionId = lazy(() => z.looseObject({ id: z.string().min(1) }));

/**
 * The id of a subscription event's object: all a deletion needs, and all refetch mode reads from
 * the event (the rest comes from Stripe). `INVALID_PAYLOAD` without one.
 */
export function readSubscriptionId(value: unknown): string {
  if (isPlainObject(value) && isId(value.id)) return value.id as string;
  const result = subscriptionId().safeParse(value);
  if (!result.success) throw invalidPayload("subscription", result.error);
  return result.data.id;
}
