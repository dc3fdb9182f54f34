import { HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import type { SubscriptionData } from "../src/index.js";
import { signStripePayload, stripeEvent } from "../src/testing.js";
import {
  checkoutSession,
  expectedRow,
  freezeClock,
  legacySubscription,
  NOW,
  nowSeconds,
  periodEnd,
  retrieved,
  secret,
  server,
  setup,
  stripeState,
  subscription,
  useStripeApi,
} from "./support/stripe-webhook.js";

useStripeApi();

describe("createWebhookRoute: sync modes and API versions", () => {
  it.each([
    ["before 2025-03-31", legacySubscription, "2024-06-20"],
    ["2025-03-31 and later", subscription, "2025-03-31.basil"],
  ])("maps a subscription from API versions %s in both modes", async (_shape, build, apiVersion) => {
    freezeClock();
    for (const sync of ["payload", "refetch"] as const) {
      const t = setup({ sync });
      stripeState.set("sub_1", build());
      const event = stripeEvent("customer.subscription.updated", build(), {
        api_version: apiVersion,
        created: nowSeconds - 30,
      });
      expect((await t.deliver(event)).status).toBe(200);
      const [row] = t.db.callsOf("upsertSubscription")[0] as [SubscriptionData];
      expect(row.currentPeriodEnd).toEqual(new Date(periodEnd * 1000));
      // Payload: the event's time; refetch: the time Stripe's copy was read.
      expect(row.eventCreatedAt).toEqual(sync === "payload" ? new Date(event.created * 1000) : new Date(NOW));
      expect(t.lastEntry().syncStatus).toBe(sync === "refetch" ? "refetched" : "payload");
    }
  });

  it.each([
    ["no key configured (payload by default)", { stripe: { secretKey: undefined } }],
    ["sync: payload with a key", { sync: "payload" as const }],
  ])("payload mode writes the event's copy without calling Stripe: %s", async (_case, overrides) => {
    const t = setup(overrides);
    const event = stripeEvent("customer.subscription.created", subscription({ status: "trialing" }), {
      created: nowSeconds,
    });
    expect((await t.deliver(event)).status).toBe(200);
    expect(t.db.callsOf("upsertSubscription")).toEqual([[expectedRow({ status: "trialing" })]]);
    expect(retrieved).toEqual([]);
  });

  it("payload mode acknowledges checkout.session.completed as needs-api (the subscription events carry the data)", async () => {
    const t = setup({ sync: "payload" });
    const response = await t.deliver(stripeEvent("checkout.session.completed", checkoutSession()));
    expect(await response.json()).toEqual({ received: true });
    expect(t.db.calls).toEqual([]);
    expect(retrieved).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ outcome: "ignored", status: 200, syncStatus: "needs-api" });
  });

  it.each([
    [
      "404 (No such subscription)",
      () => HttpResponse.json(stripeError("No such subscription: 'sub_1'"), { status: 404 }),
    ],
    [
      "500",
      () =>
        HttpResponse.json(stripeError("No such subscription: db shard 7 down"), {
          status: 500,
          headers: { "stripe-should-retry": "false" },
        }),
    ],
    ["a malformed answer", () => HttpResponse.json({ id: "sub_1", object: "subscription" })],
  ])(
    "a Stripe API %s during refetch → 502 UPSTREAM_ERROR without Stripe's message, then the retry works",
    async (_case, answer) => {
      const t = setup();
      for (const event of [
        stripeEvent("customer.subscription.updated", subscription()),
        stripeEvent("checkout.session.completed", checkoutSession()),
      ]) {
        const body = JSON.stringify(event);
        const headers = await signStripePayload(body, secret);
        server.use(http.get("https://api.stripe.com/v1/subscriptions/:id", answer, { once: true }));
        const failed = await t.post(body, headers);
        const text = await failed.text();
        expect(failed.status).toBe(502);
        expect(JSON.parse(text)).toMatchObject({ code: "UPSTREAM_ERROR" });
        expect(text).not.toMatch(/No such|shard|sub_1/);
        expect(t.lastEntry()).toMatchObject({ outcome: "error", reason: "UPSTREAM_ERROR", mutations: [] });
        stripeState.set("sub_1", subscription());
        expect((await t.post(body, headers)).status).toBe(200);
        stripeState.clear();
      }
      expect(t.db.callsOf("upsertSubscription")).toHaveLength(2);
    },
  );
});

function stripeError(message: string) {
  return { error: { type: "invalid_request_error", code: "resource_missing", message } };
}

describe("createWebhookRoute: the stripe module is loaded only when needed", () => {
  async function serveWithMockedStripe(sync: "payload" | "refetch") {
    let loaded = false;
    vi.resetModules();
    vi.doMock("stripe", () => {
      loaded = true;
      class Stripe {
        subscriptions = { retrieve: async () => subscription() };
      }
      return { default: Stripe };
    });
    try {
      const { createWebhookRoute } = await import("../src/index.js");
      const { createMemoryAdapter } = await import("../src/testing.js");
      const db = createMemoryAdapter();
      db.seedUser({ email: "ada@example.com", stripeCustomerId: "cus_1" });
      const handler = createWebhookRoute({
        ...db,
        sync,
        audit: false,
        stripe: { secretKey: "sk_test_123", webhookSecret: secret },
      });
      const body = JSON.stringify(stripeEvent("customer.subscription.updated", subscription()));
      const response = await handler(
        new Request("https://app.example/api/webhooks/stripe", {
          method: "POST",
          body,
          headers: await signStripePayload(body, secret),
        }),
      );
      return { status: response.status, written: db.subscriptions().length, loaded };
    } finally {
      vi.doUnmock("stripe");
      vi.resetModules();
    }
  }

  it('sync: "payload" serves a request without loading stripe', async () => {
    expect(await serveWithMockedStripe("payload")).toEqual({ status: 200, written: 1, loaded: false });
  });

  it('the probe works: sync: "refetch" does load it (through the mock)', async () => {
    expect(await serveWithMockedStripe("refetch")).toEqual({ status: 200, written: 1, loaded: true });
  });
});
