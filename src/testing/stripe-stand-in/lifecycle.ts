import { bill } from "./billing.js";
import { invalid, noSuch, StandInError } from "./errors.js";
import { renderInvoice, renderSubscription } from "./render.js";
import {
  type Account,
  type InvoiceRecord,
  periodSeconds,
  type RequestRef,
  type StripeObject,
  type SubscriptionRecord,
} from "./state.js";

/** What a new subscription starts with. */
export interface NewSubscription {
  customer: string;
  items: { price: string; quantity?: number }[];
  metadata?: Record<string, string>;
  /** Days of free trial (status `trialing` until then). */
  trialDays?: number | null;
  billingMode?: "flexible" | "classic" | null;
}

/** The changes `POST /v1/subscriptions/:id` accepts, in the same words. */
export interface SubscriptionChanges {
  /** Schedule (true) or unschedule (false) the cancellation at the end of the period. */
  cancel_at_period_end?: boolean;
  /** Cancel at this time (unix seconds), at the period end (`"min_period_end"`, `"max_period_end"`), or `null` to unschedule. */
  cancel_at?: number | "min_period_end" | "max_period_end" | null;
  /** The first item's new price (a price change; no proration is modelled). */
  price?: string;
  /** Merged into the metadata; an empty string removes a key. */
  metadata?: Record<string, string>;
  /** `"now"` ends a trial at once. */
  trial_end?: "now";
}

function sub(account: Account, id: string): SubscriptionRecord {
  const found = account.subscriptions.get(id);
  if (!found) throw noSuch("subscription", id);
  return found;
}

const view = (account: Account, record: SubscriptionRecord) => renderSubscription(account, record, account.apiVersion);

/** The top-level fields of `before` that differ in `after`, with their old values (`previous_attributes`). */
function changed(before: StripeObject, after: StripeObject): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key] ?? null;
  }
  return previous;
}

/** Applies `change` and records `customer.subscription.updated` with what changed (nothing changed → no event). */
function update(account: Account, record: SubscriptionRecord, change: () => void, request?: RequestRef): StripeObject {
  const before = view(account, record);
  change();
  const after = view(account, record);
  const previous = changed(before, after);
  if (Object.keys(previous).length > 0) {
    account.record("customer.subscription.updated", after, { previous, ...(request ? { request } : {}) });
  }
  return after;
}

/** Creates a subscription (trialing or active), records `customer.subscription.created` and its first invoice. */
export function createSubscription(account: Account, input: NewSubscription, request?: RequestRef): SubscriptionRecord {
  if (!account.customers.has(input.customer)) throw noSuch("customer", input.customer, "customer");
  if (input.items.length === 0) throw invalid("items", "A subscription needs at least one item.");
  const now = account.now();
  const trialDays = input.trialDays ?? 0;
  if (!Number.isInteger(trialDays) || trialDays < 0) throw invalid("trial_period_days", "Invalid trial_period_days.");
  const price = account.price(input.items[0]?.price as string);
  const trialEnd = trialDays > 0 ? now + trialDays * 86_400 : null;
  const record: SubscriptionRecord = {
    id: account.id("sub"),
    customer: input.customer,
    status: trialEnd ? "trialing" : "active",
    created: now,
    start_date: now,
    billing_mode: input.billingMode ?? account.billingMode,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    cancellation_reason: null,
    trial_start: trialEnd ? now : null,
    trial_end: trialEnd,
    current_period_start: now,
    current_period_end: trialEnd ?? now + periodSeconds(price),
    metadata: { ...(input.metadata ?? {}) },
    items: input.items.map((item) => ({
      id: account.id("si", 14),
      price: account.price(item.price).id,
      quantity: item.quantity ?? 1,
      created: now,
    })),
    latest_invoice: null,
    payments_fail: false,
  };
  account.subscriptions.set(record.id, record);
  // Stripe's created event already names the first invoice.
  const invoiceId = account.id("in");
  record.latest_invoice = invoiceId;
  account.record("customer.subscription.created", view(account, record), request ? { request } : {});
  bill(account, record, "subscription_create", trialEnd !== null, request, invoiceId);
  return record;
}

function periodEndOf(record: SubscriptionRecord): number {
  return record.current_period_end;
}

/** Applies `POST /v1/subscriptions/:id` changes: cancellation scheduling, price, metadata, ending a trial. */
export function updateSubscription(
  account: Account,
  id: string,
  changes: SubscriptionChanges,
  request?: RequestRef,
): StripeObject {
  const record = sub(account, id);
  if (record.status === "canceled" || record.status === "incomplete_expired") {
    throw new StandInError(
      400,
      "invalid_request_error",
      `A canceled subscription can only update its cancellation_details and metadata.`,
    );
  }
  if (changes.trial_end === "now" && record.status === "trialing") endTrial(account, id, request);
  return update(
    account,
    record,
    () => {
      if (changes.price !== undefined) {
        const item = record.items[0];
        if (item) item.price = account.price(changes.price).id;
      }
      if (changes.metadata) {
        for (const [key, value] of Object.entries(changes.metadata)) {
          if (value === "") delete record.metadata[key];
          else record.metadata[key] = value;
        }
      }
      const cancelAt = changes.cancel_at;
      if (changes.cancel_at_period_end === true) scheduleCancel(account, record, periodEndOf(record), true);
      else if (cancelAt === "min_period_end" || cancelAt === "max_period_end") {
        scheduleCancel(account, record, periodEndOf(record), true);
      } else if (typeof cancelAt === "number") scheduleCancel(account, record, cancelAt, false);
      else if (cancelAt === null || changes.cancel_at_period_end === false) unscheduleCancel(record);
    },
    request,
  );
}

/**
 * A cancellation at `at`. At the period end: classic billing says `cancel_at_period_end: true`; flexible
 * billing says `cancel_at` = the period end with `cancel_at_period_end: false`. Both set `cancel_at`.
 */
function scheduleCancel(account: Account, record: SubscriptionRecord, at: number, atPeriodEnd: boolean): void {
  record.cancel_at = at;
  record.cancel_at_period_end = atPeriodEnd && record.billing_mode === "classic";
  record.canceled_at = account.now();
  record.cancellation_reason = "cancellation_requested";
}

function unscheduleCancel(record: SubscriptionRecord): void {
  record.cancel_at = null;
  record.cancel_at_period_end = false;
  record.canceled_at = null;
  record.cancellation_reason = null;
}

/** Cancels now: status `canceled`, records `customer.subscription.deleted`. */
export function cancelSubscription(account: Account, id: string, request?: RequestRef): StripeObject {
  const record = sub(account, id);
  if (record.status === "canceled") throw noSuch("subscription", id);
  const now = account.now();
  record.status = "canceled";
  record.ended_at = now;
  record.canceled_at ??= now;
  record.cancellation_reason ??= "cancellation_requested";
  const object = view(account, record);
  account.record("customer.subscription.deleted", object, request ? { request } : {});
  return object;
}

/** Ends a trial now: a new paid period starts (or `past_due` if payments fail). */
export function endTrial(account: Account, id: string, request?: RequestRef): StripeObject {
  const record = sub(account, id);
  if (record.status !== "trialing") throw new StandInError(400, "invalid_request_error", `${id} is not trialing.`);
  return startPeriod(account, record, "subscription_cycle", request, () => {
    record.trial_end = account.now();
  });
}

/** The current period ends now: the next one is billed (`active`, or `past_due` if payments fail). */
export function renewSubscription(account: Account, id: string, request?: RequestRef): StripeObject {
  const record = sub(account, id);
  if (record.status === "canceled") throw new StandInError(400, "invalid_request_error", `${id} is canceled.`);
  return startPeriod(account, record, "subscription_cycle", request);
}

function startPeriod(
  account: Account,
  record: SubscriptionRecord,
  reason: InvoiceRecord["billing_reason"],
  request: RequestRef | undefined,
  before?: () => void,
): StripeObject {
  const before_ = view(account, record);
  before?.();
  const now = account.now();
  record.current_period_start = now;
  record.current_period_end = now + periodSeconds(account.price(record.items[0]?.price as string));
  const paid = bill(account, record, reason, false, request);
  record.status = paid ? "active" : "past_due";
  const after = view(account, record);
  account.record("customer.subscription.updated", after, {
    previous: changed(before_, after),
    ...(request ? { request } : {}),
  });
  return after;
}

/** Pays the open invoice of a `past_due` subscription: `active` again; later payments succeed. */
export function payLatestInvoice(account: Account, id: string, request?: RequestRef): StripeObject {
  const record = sub(account, id);
  const invoice = record.latest_invoice ? account.invoices.get(record.latest_invoice) : undefined;
  if (!invoice || invoice.status === "paid") {
    throw new StandInError(400, "invalid_request_error", `${id} has no open invoice.`);
  }
  record.payments_fail = false;
  invoice.status = "paid";
  invoice.amount_paid = invoice.amount_due;
  const options = request ? { request } : {};
  account.record("invoice.paid", renderInvoice(account, invoice, account.apiVersion), options);
  account.record("invoice.payment_succeeded", renderInvoice(account, invoice, account.apiVersion), options);
  return update(
    account,
    record,
    () => {
      if (record.status === "past_due" || record.status === "unpaid") record.status = "active";
    },
    request,
  );
}

/** Whether the subscription's next payments fail (no event: the next bill tells). */
export function setPaymentsFail(account: Account, id: string, fail: boolean): void {
  sub(account, id).payments_fail = fail;
}
