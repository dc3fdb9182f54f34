import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";
import {
  type AuditEntry,
  createWebhookRoute,
  type SubscriptionData,
  type WebhookRouteOptions,
} from "../../src/index.js";
import { createMemoryAdapter, signStripePayload } from "../../src/testing.js";

export const secret = "whsec_route_test";
export const NOW = Date.parse("2026-03-01T12:00:00Z");
export const nowSeconds = NOW / 1000;
export const periodEnd = 1_775_001_600; // 2026-04-01T00:00:00Z

/** A subscription as Stripe sends it from API version 2025-03-31 on (period end on the item). */
export function subscription(fields: Record<string, unknown> = {}, periodEndAt = periodEnd): Record<string, unknown> {
  return {
    id: "sub_1",
    object: "subscription",
    customer: "cus_1",
    status: "active",
    cancel_at_period_end: false,
    items: { object: "list", data: [{ id: "si_1", price: { id: "price_basic" }, current_period_end: periodEndAt }] },
    ...fields,
  };
}

/** The same subscription in the shape of API versions before 2025-03-31. */
export function legacySubscription(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...subscription(fields),
    items: { object: "list", data: [{ id: "si_1", price: { id: "price_basic" } }] },
    current_period_end: periodEnd,
  };
}

export function checkoutSession(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "cs_1",
    object: "checkout.session",
    mode: "subscription",
    customer: "cus_1",
    subscription: "sub_1",
    client_reference_id: "user_1",
    metadata: { userId: "user_1" },
    ...fields,
  };
}

// Stripe's current state, served by msw to the real SDK.
export const stripeState = new Map<string, Record<string, unknown>>();
export const retrieved: string[] = [];
export const server = setupServer(
  http.get("https://api.stripe.com/v1/subscriptions/:id", ({ params }) => {
    const id = String(params.id);
    retrieved.push(id);
    const found = stripeState.get(id);
    if (found) return HttpResponse.json(found);
    return HttpResponse.json(
      { error: { type: "invalid_request_error", code: "resource_missing", message: `No such subscription: '${id}'` } },
      { status: 404 },
    );
  }),
);

/** Starts msw around the real Stripe SDK for the calling test file (unhandled requests fail the test). */
export function useStripeApi(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  // 5xx causes are logged with console.error; keep the output readable (tests may inspect the spy).
  beforeEach(() => void vi.spyOn(console, "error").mockImplementation(() => {}));
  afterEach(reset);
  afterAll(() => server.close());
}

function reset(): void {
  server.resetHandlers();
  stripeState.clear();
  retrieved.length = 0;
  vi.useRealTimers();
  vi.restoreAllMocks();
}

export type Overrides = Partial<Omit<WebhookRouteOptions, "stripe">> & {
  stripe?: Partial<WebhookRouteOptions["stripe"]>;
};

export function setup(overrides: Overrides = {}) {
  const db = createMemoryAdapter();
  db.seedUser({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" });
  const entries: AuditEntry[] = [];
  const { stripe, ...rest } = overrides;
  const handler = createWebhookRoute({
    ...db,
    audit: (entry) => void entries.push(entry as AuditEntry),
    ...rest,
    stripe: { secretKey: "sk_test_123", webhookSecret: secret, ...stripe },
  });
  async function post(body: string, headers: Record<string, string>, method = "POST") {
    return handler(
      new Request("https://app.example/api/webhooks/stripe", {
        method,
        headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.7", ...headers },
        body: method === "GET" ? undefined : body,
      }),
    );
  }
  /** Signs and sends an event (or a raw string) the way Stripe does. */
  async function deliver(event: object | string, options: { timestamp?: number; signWith?: string } = {}) {
    const body = typeof event === "string" ? event : JSON.stringify(event);
    return post(body, await signStripePayload(body, options.signWith ?? secret, { timestamp: options.timestamp }));
  }
  const lastEntry = () => entries.at(-1) as AuditEntry;
  const writes = () => db.calls.filter((call) => call.method !== "findUserByCustomerId");
  return { db, entries, handler, post, deliver, lastEntry, writes };
}

export function freezeClock() {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(NOW);
}

export const expectedRow = (fields: Partial<SubscriptionData> = {}): SubscriptionData => ({
  id: "sub_1",
  userId: "user_1",
  stripeCustomerId: "cus_1",
  status: "active",
  priceId: "price_basic",
  currentPeriodEnd: new Date(periodEnd * 1000),
  cancelAtPeriodEnd: false,
  cancelAt: null,
  eventCreatedAt: new Date(nowSeconds * 1000),
  ...fields,
});

export type Setup = ReturnType<typeof setup>;

export function validOptions(): WebhookRouteOptions {
  return { ...createMemoryAdapter(), stripe: { webhookSecret: secret } };
}
