/** A Stripe event envelope as Stripe sends it (enough for tollgate and for your handlers). */
export interface StripeEventLike {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  [field: string]: unknown;
}

function randomId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/**
 * Builds a realistic Stripe event envelope around `object`, for tests and local development.
 * `JSON.stringify` it, sign the string with `signStripePayload`, and send the same string.
 *
 * @param overrides top-level fields to replace (`id`, `created`, `api_version`, …)
 * @example
 * const event = stripeEvent("customer.subscription.updated", { id: "sub_1", customer: "cus_1", status: "active" }, { created: 1700000000 });
 */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  overrides: Record<string, unknown> = {},
): StripeEventLike {
  return {
    id: randomId("evt"),
    object: "event",
    api_version: "2025-03-31.basil",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: randomId("req"), idempotency_key: null },
    type,
    data: { object },
    ...overrides,
  };
}
