import { readFileSync } from "node:fs";

/** The API versions whose published subscription objects sit in test/fixtures/stripe (see its README). */
export const API_VERSIONS = [
  "2020-08-27",
  "2022-08-01",
  "2022-11-15",
  "2023-10-16",
  "2024-06-20",
  "2024-12-18.acacia",
  "2025-03-31.basil",
  "2025-06-30.basil",
  "2025-09-30.clover",
  "2026-03-25.dahlia",
  "2026-07-29.dahlia",
  "2026-10-28.endive",
] as const;

export type ApiVersion = (typeof API_VERSIONS)[number];

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/stripe/${name}`, import.meta.url), "utf8"));
}

/** A fresh copy of Stripe's published subscription object for `version`. */
export function publishedSubscription(version: ApiVersion): Record<string, unknown> {
  return load(`subscription.${version}.json`);
}

/** A fresh copy of Stripe's published Checkout Session object (2026-07-29.dahlia). */
export function publishedCheckoutSession(): Record<string, unknown> {
  return load("checkout-session.2026-07-29.dahlia.json");
}

/** Versions before 2025-03-31.basil carry `current_period_end` on the subscription, later ones on each item. */
export function periodOnItems(version: ApiVersion): boolean {
  return version >= "2025-03-31";
}

/** `billing_mode` is published from 2025-06-30.basil on. */
export function hasBillingMode(version: ApiVersion): boolean {
  return version >= "2025-06-30";
}

/** The state a test wants a subscription in, written into the shape of one API version. */
export interface SubscriptionState {
  id?: string;
  customer?: string;
  status?: string;
  periodEnd: number;
  cancelAtPeriodEnd: boolean | null;
  cancelAt: number | null;
  billingMode?: "classic" | "flexible";
}

/**
 * Stripe's published object of `version`, carrying `state` where that version puts it: the period
 * end on the subscription or on its items, `billing_mode` only where the version has it.
 */
export function subscriptionAt(version: ApiVersion, state: SubscriptionState): Record<string, unknown> {
  const object = publishedSubscription(version);
  const items = object.items as { data: Record<string, unknown>[] };
  object.id = state.id ?? "sub_1";
  object.customer = state.customer ?? "cus_1";
  object.status = state.status ?? "active";
  object.cancel_at_period_end = state.cancelAtPeriodEnd;
  object.cancel_at = state.cancelAt;
  if (periodOnItems(version)) {
    for (const item of items.data) item.current_period_end = state.periodEnd;
  } else {
    object.current_period_end = state.periodEnd;
  }
  if (hasBillingMode(version)) {
    object.billing_mode = { ...(object.billing_mode as object), type: state.billingMode ?? "classic" };
  }
  return object;
}
