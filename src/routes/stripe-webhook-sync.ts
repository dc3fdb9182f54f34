import type Stripe from "stripe";
import type { RouteContext } from "../http/context.js";
import { readCompletedCheckout } from "../stripe/checkout-session.js";
import type { StripeEventEnvelope } from "../stripe/event.js";
import type { EventOrder } from "../stripe/event-order.js";
import {
  idOf,
  type RetrievedSubscription,
  readSubscription,
  readSubscriptionId,
  retrieveSubscription,
  type SubscriptionFields,
  subscriptionRow,
} from "../stripe/subscription.js";
import type { User, WebhookDatabaseAdapter } from "./adapters.js";
import { callHost } from "./options.js";

/** How the webhook route brings subscriptions into the host's database. */
export interface StripeSync {
  adapter: WebhookDatabaseAdapter;
  /** `refetch`: write Stripe's current state; `payload`: write the event's copy, skipping stale events. */
  mode: "refetch" | "payload";
  client: () => Promise<Stripe>;
  order: EventOrder;
}

/** What the built-in action made of an event; null for a type it does not handle. */
export type SyncOutcome = "processed" | "ignored" | null;

/**
 * Runs tollgate's own action for the subscription lifecycle events. Adapter failures surface as
 * `HANDLER_FAILED`, Stripe API failures as `UPSTREAM_ERROR`, malformed objects as `INVALID_PAYLOAD`.
 */
export function syncEvent(ctx: RouteContext, event: StripeEventEnvelope, sync: StripeSync): Promise<SyncOutcome> {
  switch (event.type) {
    case "customer.subscription.created":
    case "customer.subscription.updated":
      return upsertFromEvent(ctx, event, sync);
    case "customer.subscription.deleted":
      return cancel(ctx, event, sync);
    case "checkout.session.completed":
      return completeCheckout(ctx, event, sync);
    default:
      return Promise.resolve(null);
  }
}

async function upsertFromEvent(ctx: RouteContext, event: StripeEventEnvelope, sync: StripeSync): Promise<SyncOutcome> {
  if (sync.mode === "refetch") {
    // Only ids are read from the event: Stripe's copy is what gets written, so a payload this
    // version of the mapping cannot read must not stand in the way of the re-read.
    const id = readSubscriptionId(event.data.object);
    const payloadCustomer = customerIdOf(event.data.object);
    let user = payloadCustomer === null ? undefined : await findUser(ctx, sync, payloadCustomer);
    if (user === null) return ignore(ctx, "no-user");
    const current = await retrieveSubscription(sync.client, id);
    user ??= await findUser(ctx, sync, idOf(current.subscription.customer));
    if (user === null) return ignore(ctx, "no-user");
    return await write(ctx, sync, current.subscription, user.id, refetchedVersion(current, event), "refetched");
  }
  const payload = readSubscription(event.data.object);
  const user = await findUser(ctx, sync, idOf(payload.customer));
  if (user === null) return ignore(ctx, "no-user");
  if (!sync.order.claim(payload.id, event.created)) return ignore(ctx, "stale");
  return await write(ctx, sync, payload, user.id, new Date(event.created * 1000), "payload");
}

/** The customer id of a subscription event's object, or null when it has none that reads as one. */
function customerIdOf(value: Record<string, unknown>): string | null {
  const customer = value.customer;
  if (typeof customer === "string" && customer !== "") return customer;
  if (typeof customer === "object" && customer !== null) {
    const id = (customer as { id?: unknown }).id;
    if (typeof id === "string" && id !== "") return id;
  }
  return null;
}

/**
 * The version of a refetched write: when the copy was read, which orders refetched writes by the
 * state they carry (a late answer to an old event carries Stripe's newest state and must win over
 * a row written from an earlier read). Never earlier than the event it answers, since the copy was
 * read after that event existed; this also keeps it ahead of the event times a server clock that
 * runs behind Stripe's would otherwise undercut.
 */
export function refetchedVersion(current: RetrievedSubscription, event: { created: number }): Date {
  return new Date(Math.max(current.readAt, event.created * 1000));
}

async function cancel(ctx: RouteContext, event: StripeEventEnvelope, sync: StripeSync): Promise<SyncOutcome> {
  const id = readSubscriptionId(event.data.object);
  // Cancellation is final in Stripe, so it is applied whatever its age; older updates after it are stale.
  sync.order.record(id, event.created);
  const meta = { eventCreatedAt: new Date(event.created * 1000) };
  await callHost(
    ctx,
    "updateSubscriptionStatus",
    () => sync.adapter.updateSubscriptionStatus(id, "canceled", meta),
    FAILED,
  );
  ctx.audit.syncStatus = "payload";
  return "processed";
}

async function completeCheckout(ctx: RouteContext, event: StripeEventEnvelope, sync: StripeSync): Promise<SyncOutcome> {
  const session = readCompletedCheckout(event.data.object);
  if (!session.subscriptionMode) return ignore(ctx);
  // The session carries no subscription object; the subscription events that follow carry the data.
  if (sync.mode === "payload") return ignore(ctx, "needs-api");
  let userId = session.userId;
  if (userId === null && session.customerId !== null) {
    userId = (await findUser(ctx, sync, session.customerId))?.id ?? null;
  }
  if (userId === null) return ignore(ctx, "no-user");
  const current = await retrieveSubscription(sync.client, session.subscriptionId as string);
  return await write(ctx, sync, current.subscription, userId, refetchedVersion(current, event), "refetched");
}

const FAILED = "HANDLER_FAILED";

function findUser(ctx: RouteContext, sync: StripeSync, customerId: string): Promise<User | null> {
  return callHost(ctx, "findUserByCustomerId", () => sync.adapter.findUserByCustomerId(customerId), FAILED, "read");
}

async function write(
  ctx: RouteContext,
  sync: StripeSync,
  subscription: SubscriptionFields,
  userId: string,
  version: Date,
  syncStatus: "refetched" | "payload",
): Promise<SyncOutcome> {
  const data = subscriptionRow(subscription, userId, version);
  await callHost(ctx, "upsertSubscription", () => sync.adapter.upsertSubscription(data), FAILED);
  ctx.audit.syncStatus = syncStatus;
  return "processed";
}

function ignore(ctx: RouteContext, syncStatus?: "no-user" | "stale" | "needs-api"): SyncOutcome {
  if (syncStatus !== undefined) ctx.audit.syncStatus = syncStatus;
  // Money arrived for a customer the app does not know: worth a look.
  if (syncStatus === "no-user") ctx.audit.level = "warn";
  return "ignored";
}

/**
 * Writes a subscription as Stripe's API returned it (the reconcile sweep's `subscriptions` mode):
 * the same user lookup and mapping as the events, `eventCreatedAt` = when it was read.
 */
export async function syncSubscription(
  ctx: RouteContext,
  subscription: unknown,
  sync: StripeSync,
  readAt: Date,
): Promise<SyncOutcome> {
  const fields = readSubscription(subscription, "UPSTREAM_ERROR");
  const user = await findUser(ctx, sync, idOf(fields.customer));
  if (user === null) return ignore(ctx, "no-user");
  const data = subscriptionRow(fields, user.id, readAt);
  await callHost(ctx, "upsertSubscription", () => sync.adapter.upsertSubscription(data), FAILED);
  ctx.audit.syncStatus = "refetched";
  return "processed";
}
