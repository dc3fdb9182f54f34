import { vi } from "vitest";
import {
  type AuditEntry,
  createStripeReconcileRoute,
  createWebhookRoute,
  type StripeReconcileRouteOptions,
} from "../../src/index.js";
import { createMemoryCursorStore, createMemoryIdempotencyStore } from "../../src/security.js";
import { createMemoryAdapter, signStripePayload } from "../../src/testing.js";
import { fakeStripe } from "./fake-stripe.js";

export const WEBHOOK_SECRET = "whsec_reconcile_test";
export const TOKEN = "Bearer cron-secret";

export type ReconcileOverrides = Partial<StripeReconcileRouteOptions>;

/**
 * A webhook route and a reconcile route over one memory adapter, one idempotency store and one
 * fake Stripe account, as an app would wire them.
 */
export function reconcileSetup(overrides: ReconcileOverrides = {}) {
  const stripe = fakeStripe();
  const db = createMemoryAdapter();
  db.seedUser({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" });
  const store = createMemoryIdempotencyStore();
  const cursor = createMemoryCursorStore();
  const entries: AuditEntry[] = [];
  const handled: string[] = [];
  const shared = {
    ...db,
    stripe: { client: stripe.client, webhookSecret: WEBHOOK_SECRET },
    idempotency: { store },
    audit: (entry: unknown) => void entries.push(entry as AuditEntry),
    on: {
      "invoice.payment_failed": (_invoice: unknown, ctx: { eventId: string }) => void handled.push(ctx.eventId),
    },
  };
  const webhook = createWebhookRoute(shared);
  const reconcile = createStripeReconcileRoute({
    ...shared,
    cursor,
    authorize: (request) => request.headers.get("authorization") === TOKEN,
    ...overrides,
  });

  /** Calls the reconcile route like a cron would. */
  async function sweep(query = "", init: RequestInit = {}) {
    const response = await reconcile(
      new Request(`https://app.example/api/stripe/reconcile${query}`, {
        method: "POST",
        headers: { authorization: TOKEN },
        ...init,
      }),
    );
    return { response, status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Delivers an event to the webhook route, signed, as Stripe would. */
  async function deliver(event: object) {
    const body = JSON.stringify(event);
    return webhook(
      new Request("https://app.example/api/webhooks/stripe", {
        method: "POST",
        headers: { "content-type": "application/json", ...(await signStripePayload(body, WEBHOOK_SECRET)) },
        body,
      }),
    );
  }

  return { stripe, db, store, cursor, entries, handled, webhook, reconcile, sweep, deliver };
}

/** Unix seconds now. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Keeps the 5xx causes the routes log out of the test output, and lets a test read them. */
export function quietErrors() {
  return vi.spyOn(console, "error").mockImplementation(() => {});
}
