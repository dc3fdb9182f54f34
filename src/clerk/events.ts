import { z } from "zod";
import type { RouteContext } from "../http/context.js";
import type { ParsedEvent } from "../security/event-payload.js";
import { lazy } from "../validation/lazy.js";
import { isPlainObject } from "../validation/plain-object.js";
import { isClerkSessionData, isClerkUserData } from "./data-checks.js";
import {
  type ClerkBillingSubscription,
  type ClerkBillingSubscriptionItem,
  type ClerkDeletedObject,
  type ClerkOrganization,
  type ClerkOrganizationMembership,
  type ClerkPaymentAttempt,
  type ClerkSession,
  type ClerkUser,
  clerkSchemas,
} from "./schemas.js";

/** The envelope Clerk sends through Svix (built on first use). Unknown fields pass through. */
export const clerkEventEnvelope = lazy(() =>
  z.looseObject({
    type: z.string().min(1),
    object: z.literal("event"),
    data: z.custom<Record<string, unknown>>(isPlainObject),
    /** Milliseconds since the epoch. */
    timestamp: z.number().optional(),
    instance_id: z.string().optional(),
    event_attributes: z.record(z.string(), z.unknown()).optional(),
  }),
);

export type ClerkEventEnvelope = z.infer<ReturnType<typeof clerkEventEnvelope>>;

type BillingItemStatus =
  | "created"
  | "active"
  | "updated"
  | "canceled"
  | "upcoming"
  | "ended"
  | "abandoned"
  | "incomplete";

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

/** The `data` of a Clerk event tollgate knows by name but does not validate: the object as received. */
export type ClerkObject = { [field: string]: unknown };

/**
 * The other event types Clerk sends (its `WebhookEventType`), whose data tollgate passes on as
 * received, unvalidated.
 */
export interface ClerkOtherEvents {
  "email.created": ClerkObject;
  "sms.created": ClerkObject;
  "organizationDomain.created": ClerkObject;
  "organizationDomain.updated": ClerkObject;
  "organizationDomain.deleted": ClerkObject;
  "organizationInvitation.accepted": ClerkObject;
  "organizationInvitation.created": ClerkObject;
  "organizationInvitation.revoked": ClerkObject;
  "role.created": ClerkObject;
  "role.updated": ClerkObject;
  "role.deleted": ClerkObject;
  "permission.created": ClerkObject;
  "permission.updated": ClerkObject;
  "permission.deleted": ClerkObject;
  "waitlistEntry.created": ClerkObject;
  "waitlistEntry.updated": ClerkObject;
}

/** Every Clerk event type tollgate knows → the type of its `data`. */
export type ClerkEventDataOf = ClerkEventDataMap & ClerkBillingItemEvents & ClerkOtherEvents;

/** A Clerk event type tollgate knows (a key of `on` beside `"*"` and your own additions). */
export type ClerkEventType = keyof ClerkEventDataOf;

/** Event family → schema of its data. */
const schemasByFamily = lazy((): Record<string, z.ZodType> => {
  const schemas = clerkSchemas();
  return {
    user: schemas.user,
    deleted: schemas.deleted,
    session: schemas.session,
    organization: schemas.organization,
    organizationMembership: schemas.organizationMembership,
    subscription: schemas.billingSubscription,
    subscriptionItem: schemas.billingSubscriptionItem,
    paymentAttempt: schemas.paymentAttempt,
  };
});

const SCHEMA_NAMES = new Set([
  "user",
  "session",
  "organization",
  "organizationMembership",
  "subscription",
  "subscriptionItem",
  "paymentAttempt",
]);

/** The key of `schemasByFamily` for `type`, found without building a schema. */
function schemaNameOf(type: string): string | undefined {
  const dot = type.indexOf(".");
  if (dot === -1) return undefined;
  const family = type.slice(0, dot);
  if (!SCHEMA_NAMES.has(family)) return undefined;
  const action = type.slice(dot + 1).split(".", 1)[0];
  return (family === "user" || family === "organization") && action === "deleted" ? "deleted" : family;
}

/**
 * How the route checks a typed event's data: by hand first where a hand check exists (a pass
 * means the schema would pass too), else, or when the hand check refuses, with the schema, which
 * names the failing field. Undefined for types whose data tollgate does not validate. Nothing here
 * builds a schema until one is needed.
 */
export interface DataCheck {
  byHand: ((data: unknown) => boolean) | undefined;
  schema(): z.ZodType;
}

const BY_HAND: Readonly<Record<string, (data: unknown) => boolean>> = {
  user: isClerkUserData,
  session: isClerkSessionData,
};

export function dataCheckOf(type: string): DataCheck | undefined {
  const name = schemaNameOf(type);
  if (name === undefined) return undefined;
  return {
    byHand: Object.hasOwn(BY_HAND, name) ? BY_HAND[name] : undefined,
    schema: () => schemasByFamily()[name] as z.ZodType,
  };
}

/** The type under either spelling of Clerk Billing's past-due events (`pastDue` and `past_due`). */
export function typeAliases(type: string): string[] {
  if (type.endsWith(".pastDue")) return [type, type.replace(/\.pastDue$/, ".past_due")];
  if (type.endsWith(".past_due")) return [type, type.replace(/\.past_due$/, ".pastDue")];
  return [type];
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
  if (!isClerkEnvelope(value) && !clerkEventEnvelope().safeParse(value).success) return null;
  const event = value as ClerkEventEnvelope;
  return { event, type: event.type, id, idempotencyKey: `clerk:${id}` };
}
