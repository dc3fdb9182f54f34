import type { Random } from "./random.js";

/** Stripe's subscription statuses. */
export type SubscriptionStatus =
  | "incomplete"
  | "incomplete_expired"
  | "trialing"
  | "active"
  | "past_due"
  | "canceled"
  | "unpaid"
  | "paused";

/** A JSON object as the stand-in answers it. */
export type StripeObject = { id: string; object: string; [field: string]: unknown };

export interface PriceRecord {
  id: string;
  product: string;
  unit_amount: number;
  currency: string;
  interval: "day" | "week" | "month" | "year";
  interval_count: number;
  created: number;
}

export interface CustomerRecord {
  id: string;
  email: string | null;
  name: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface SubscriptionRecord {
  id: string;
  customer: string;
  status: SubscriptionStatus;
  created: number;
  start_date: number;
  billing_mode: "flexible" | "classic";
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  ended_at: number | null;
  cancellation_reason: "cancellation_requested" | "payment_failed" | null;
  trial_start: number | null;
  trial_end: number | null;
  current_period_start: number;
  current_period_end: number;
  metadata: Record<string, string>;
  items: { id: string; price: string; quantity: number; created: number }[];
  latest_invoice: string | null;
  /** Whether the next payments of this subscription fail (see `subscriptions.failPayments`). */
  payments_fail: boolean;
}

export interface InvoiceRecord {
  id: string;
  customer: string;
  subscription: string;
  status: "open" | "paid";
  amount_due: number;
  amount_paid: number;
  currency: string;
  billing_reason: "subscription_create" | "subscription_cycle" | "subscription_update";
  created: number;
  period_start: number;
  period_end: number;
  lines: { price: string; quantity: number }[];
}

export interface CheckoutSessionRecord {
  id: string;
  mode: "subscription" | "payment" | "setup";
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid" | "no_payment_required";
  customer: string | null;
  customer_email: string | null;
  customer_details: { email: string | null } | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  subscription: string | null;
  success_url: string | null;
  cancel_url: string | null;
  line_items: { price: string; quantity: number }[];
  subscription_data: {
    metadata: Record<string, string>;
    trial_period_days: number | null;
    billing_mode: "flexible" | "classic" | null;
  };
  created: number;
  expires_at: number;
}

export interface PortalSessionRecord {
  id: string;
  customer: string;
  return_url: string | null;
  created: number;
}

/** A Stripe event, as `GET /v1/events` lists it and a webhook delivers it. */
export interface StandInEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** The request that caused a move, for the event's `request` field (null for the clock's own moves). */
export interface RequestRef {
  id: string | null;
  idempotency_key: string | null;
}

/** Everything the stand-in's account holds, and its clock. */
export interface Account {
  readonly apiVersion: string;
  readonly billingMode: "flexible" | "classic";
  readonly random: Random;
  readonly prices: Map<string, PriceRecord>;
  readonly customers: Map<string, CustomerRecord>;
  readonly subscriptions: Map<string, SubscriptionRecord>;
  readonly invoices: Map<string, InvoiceRecord>;
  readonly checkoutSessions: Map<string, CheckoutSessionRecord>;
  readonly portalSessions: Map<string, PortalSessionRecord>;
  /** Oldest first (the API lists them newest first). */
  readonly events: StandInEvent[];
  /** Unix seconds on the stand-in's clock. */
  now(): number;
  /** Moves the clock forward (only: Stripe's time does not run backwards). */
  moveClock(seconds: number): void;
  /** A new Stripe-shaped id: `prefix_` and letters and digits. */
  id(prefix: string, length?: number): string;
  /** The price, created with defaults (10.00 USD a month) on first reference. */
  price(id: string): PriceRecord;
  /** Records an event; every listener (webhook deliveries) hears of it. */
  record(
    type: string,
    object: StripeObject,
    options?: { previous?: Record<string, unknown>; request?: RequestRef },
  ): StandInEvent;
  /** Listens to recorded events; returns a function that stops listening. */
  onEvent(listener: (event: StandInEvent) => void): () => void;
}

export interface AccountOptions {
  apiVersion: string;
  billingMode: "flexible" | "classic";
  random: Random;
  /** Start time (unix seconds) of a manual clock; undefined → the real clock. */
  startTime: number | undefined;
}

/** A new, empty account. */
export function createAccount(options: AccountOptions): Account {
  const { random } = options;
  let offset = 0;
  const base = options.startTime;
  const listeners = new Set<(event: StandInEvent) => void>();
  const prices = new Map<string, PriceRecord>();
  const events: StandInEvent[] = [];
  const account: Account = {
    apiVersion: options.apiVersion,
    billingMode: options.billingMode,
    random,
    prices,
    customers: new Map(),
    subscriptions: new Map(),
    invoices: new Map(),
    checkoutSessions: new Map(),
    portalSessions: new Map(),
    events,
    now: () => (base ?? Math.floor(Date.now() / 1000)) + offset,
    moveClock(seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError("the clock only moves forward");
      offset += Math.floor(seconds);
    },
    id: (prefix, length = 24) => `${prefix}_${random.chars(length)}`,
    price(id) {
      let price = prices.get(id);
      if (!price) {
        price = {
          id,
          product: account.id("prod", 14),
          unit_amount: 1000,
          currency: "usd",
          interval: "month",
          interval_count: 1,
          created: account.now(),
        };
        prices.set(id, price);
      }
      return price;
    },
    record(type, object, { previous, request } = {}) {
      const event: StandInEvent = {
        id: account.id("evt"),
        object: "event",
        api_version: account.apiVersion,
        created: account.now(),
        data: previous
          ? { object: structuredClone(object), previous_attributes: previous }
          : { object: structuredClone(object) },
        livemode: false,
        pending_webhooks: listeners.size,
        request: request ?? { id: null, idempotency_key: null },
        type,
      };
      events.push(event);
      for (const listener of listeners) listener(event);
      return event;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return account;
}

/** The period length of `price` in seconds (a month is 30 days, a year 365: the stand-in keeps no calendar). */
export function periodSeconds(price: PriceRecord): number {
  const day = 86_400;
  const unit = { day, week: 7 * day, month: 30 * day, year: 365 * day }[price.interval];
  return unit * price.interval_count;
}
