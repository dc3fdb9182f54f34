import { z } from "zod";
import type { RouteContext } from "../http/context.js";
import type { ParsedEvent } from "../security/event-payload.js";
import {
  type ClerkBillingSubscription,
  type ClerkBillingSubscriptionItem,
  type ClerkDeletedObject,
  type ClerkOrganization,
  type ClerkOrganizationMembership,
  type ClerkPaymentAttempt,
  type ClerkSession,
  type ClerkUser,
  clerkBillingSubscription,
  clerkBillingSubscriptionItem,
  clerkDeleted,
  clerkOrganization,
  clerkOrganizationMembership,
  clerkPaymentAttempt,
  clerkSession,
  clerkUser,
} from "./schemas.js";

/** The envelope Clerk sends through Svix. Unknown fields pass through. */
export const clerkEventEnvelope = z.looseObject({
  type: z.string().min(1),
  object: z.literal("event"),
  data: z.custom<Record<string, unknown>>(isPlainObject),
  /** Milliseconds since the epoch. */
  timestamp: z.number().optional(),
  instance_id: z.string().optional(),
  event_attributes: z.record(z.string(), z.unknown()).optional(),
});

export type ClerkEventEnvelope = z.infer<typeof clerkEventEnvelope>;

type BillingItemStatus = "active" | "updated" | "canceled" | "upcoming" | "ended" | "abandoned" | "incomplete";

/** Event type → the type of its `data`, for the events tollgate types. */
export interface ClerkEventDataMap {
  "user.created": ClerkUser;
  "user.updated": ClerkUser;
  "user.deleted": ClerkDeletedObject;
  "session.created": ClerkSession;
  "session.ended": ClerkSession;
  "session.removed": ClerkSession;
  "session.revoked": ClerkSession;
  "session.pending": ClerkSession;
  "organization.created": ClerkOrganization;
  "organization.updated": ClerkOrganization;
  "organization.deleted": ClerkDeletedObject;
  "organizationMembership.created": ClerkOrganizationMembership;
  "organizationMembership.updated": ClerkOrganizationMembership;
  "organizationMembership.deleted": ClerkOrganizationMembership;
  "subscription.created": ClerkBillingSubscription;
  "subscription.updated": ClerkBillingSubscription;
  "subscription.active": ClerkBillingSubscription;
  "subscription.pastDue": ClerkBillingSubscription;
  "subscription.past_due": ClerkBillingSubscription;
  "subscriptionItem.pastDue": ClerkBillingSubscriptionItem;
  "subscriptionItem.past_due": ClerkBillingSubscriptionItem;
  "subscriptionItem.freeTrialEnding": ClerkBillingSubscriptionItem;
  "paymentAttempt.created": ClerkPaymentAttempt;
  "paymentAttempt.updated": ClerkPaymentAttempt;
}

/** The subscription item events share one data type. */
export type ClerkBillingItemEvents = {
  [S in BillingItemStatus as `subscriptionItem.${S}`]: ClerkBillingSubscriptionItem;
};

const SCHEMAS: Record<string, z.ZodType> = {
  user: clerkUser,
  deleted: clerkDeleted,
  session: clerkSession,
  organization: clerkOrganization,
  organizationMembership: clerkOrganizationMembership,
  subscription: clerkBillingSubscription,
  subscriptionItem: clerkBillingSubscriptionItem,
  paymentAttempt: clerkPaymentAttempt,
};

/** The data schema of a typed event, or undefined for types tollgate does not know. */
export function dataSchemaOf(type: string): z.ZodType | undefined {
  const [family, action] = type.split(".", 2);
  if (family === undefined || action === undefined) return undefined;
  if ((family === "user" || family === "organization") && action === "deleted") return SCHEMAS.deleted;
  return SCHEMAS[family];
}

/** The type under either spelling of Clerk Billing's past-due events (`pastDue` and `past_due`). */
export function typeAliases(type: string): string[] {
  if (type.endsWith(".pastDue")) return [type, type.replace(/\.pastDue$/, ".past_due")];
  if (type.endsWith(".past_due")) return [type, type.replace(/\.past_due$/, ".pastDue")];
  return [type];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The envelope check by hand: the same rules as `clerkEventEnvelope`, without a schema walk on every
 * delivery. It may only accept what the schema accepts; whatever it refuses goes to the schema, which
 * decides and says which field failed.
 */
export function isClerkEnvelope(value: unknown): value is ClerkEventEnvelope {
  if (!isPlainObject(value)) return false;
  const { type, object, data, timestamp, instance_id: instanceId, event_attributes: attributes } = value;
  return (
    typeof type === "string" &&
    type.length > 0 &&
    object === "event" &&
    isPlainObject(data) &&
    (timestamp === undefined || (typeof timestamp === "number" && Number.isFinite(timestamp))) &&
    (instanceId === undefined || typeof instanceId === "string") &&
    (attributes === undefined || isPlainObject(attributes))
  );
}

/**
 * Parser for the `eventPayload` layer: the envelope as received, its type, and the svix-id (from
 * the signature layer) as the event id; idempotency key `clerk:<svix-id>`.
 */
export function parseClerkEvent(value: unknown, ctx: RouteContext): ParsedEvent<ClerkEventEnvelope> | null {
  const id = (ctx.state as { deliveryId?: string }).deliveryId;
  if (id === undefined) return null;
  if (!isClerkEnvelope(value) && !clerkEventEnvelope.safeParse(value).success) return null;
  const event = value as ClerkEventEnvelope;
  return { event, type: event.type, id, idempotencyKey: `clerk:${id}` };
}
