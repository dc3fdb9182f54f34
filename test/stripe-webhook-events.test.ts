import type Stripe from "stripe";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { createWebhookRoute } from "../src/index.js";
import { createMemoryAdapter, signStripePayload, stripeEvent } from "../src/testing.js";
import {
  checkoutSession,
  expectedRow,
  freezeClock,
  nowSeconds,
  periodEnd,
  retrieved,
  secret,
  setup,
  stripeState,
  subscription,
  useStripeApi,
} from "./support/stripe-webhook.js";

useStripeApi();

describe("createWebhookRoute: handled events (refetch, the default with a key)", () => {
  it.each([["customer.subscription.created"], ["customer.subscription.updated"]])(
    "%s writes Stripe's current state",
    async (type) => {
      freezeClock();
      const t = setup();
      // The event's copy is out of date; Stripe's current state wins.
      stripeState.set("sub_1", subscription({ status: "past_due", cancel_at_period_end: true }));
      const event = stripeEvent(type, subscription({ status: "active" }), { created: nowSeconds });
      const response = await t.deliver(event);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: true });
      expect(retrieved).toEqual(["sub_1"]);
      expect(t.db.callsOf("upsertSubscription")).toEqual([
        // Written at the time of the read (the frozen clock).
        [expectedRow({ status: "past_due", cancelAtPeriodEnd: true, cancelAt: new Date(periodEnd * 1000) })],
      ]);
      expect(t.lastEntry()).toMatchObject({
        level: "info",
        route: "stripe-webhook",
        eventType: type,
        eventId: event.id,
        outcome: "processed",
        status: 200,
        signatureValid: true,
        mutations: ["upsertSubscription"],
        syncStatus: "refetched",
        stripeMode: "test",
        sourceIp: "203.0.113.7",
      });
    },
  );

  it("customer.subscription.deleted marks the subscription canceled without calling Stripe", async () => {
    const t = setup();
    const event = stripeEvent("customer.subscription.deleted", subscription({ status: "canceled" }));
    const response = await t.deliver(event);
    expect(response.status).toBe(200);
    expect(t.db.callsOf("updateSubscriptionStatus")).toEqual([
      ["sub_1", "canceled", { eventCreatedAt: new Date(event.created * 1000) }],
    ]);
    expect(retrieved).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ outcome: "processed", mutations: ["updateSubscriptionStatus"] });
  });

  it.each([
    ["client_reference_id", { client_reference_id: "user_ref", metadata: { userId: "user_meta" } }, "user_ref", false],
    ["metadata.userId", { client_reference_id: null, metadata: { userId: "user_meta" } }, "user_meta", false],
    ["the customer's user", { client_reference_id: null, metadata: {} }, "user_1", true],
  ])(
    "checkout.session.completed takes the user from %s and writes the retrieved subscription",
    async (_source, fields, userId, looksUp) => {
      freezeClock();
      const t = setup();
      stripeState.set("sub_1", subscription());
      const response = await t.deliver(
        stripeEvent("checkout.session.completed", checkoutSession(fields), { created: nowSeconds }),
      );
      expect(response.status).toBe(200);
      expect(retrieved).toEqual(["sub_1"]);
      expect(t.db.callsOf("findUserByCustomerId")).toEqual(looksUp ? [["cus_1"]] : []);
      expect(t.db.callsOf("upsertSubscription")).toEqual([[expectedRow({ userId })]]);
      expect(t.lastEntry()).toMatchObject({ outcome: "processed", syncStatus: "refetched" });
    },
  );

  it.each([["payment"], ["setup"]])("checkout.session.completed in mode %s is ignored", async (mode) => {
    const t = setup();
    const response = await t.deliver(
      stripeEvent("checkout.session.completed", checkoutSession({ mode, subscription: null })),
    );
    expect(await response.json()).toEqual({ received: true });
    expect(t.db.calls).toEqual([]);
    expect(retrieved).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ outcome: "ignored", status: 200 });
  });

  it.each([
    [
      "customer.subscription.updated",
      () => stripeEvent("customer.subscription.updated", subscription({ customer: "cus_unknown" })),
    ],
    [
      "checkout.session.completed",
      () =>
        stripeEvent(
          "checkout.session.completed",
          checkoutSession({ client_reference_id: null, metadata: null, customer: "cus_unknown" }),
        ),
    ],
  ])("%s for a customer with no user → 200, no write, ignored with a warning", async (_type, event) => {
    const t = setup();
    const response = await t.deliver(event());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(t.db.callsOf("findUserByCustomerId")).toEqual([["cus_unknown"]]);
    expect(t.writes()).toEqual([]);
    expect(retrieved).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ level: "warn", outcome: "ignored", syncStatus: "no-user", mutations: [] });
  });

  it("an event type nobody handles → 200 { received: true }, ignored", async () => {
    const t = setup();
    const response = await t.deliver(stripeEvent("invoice.paid", { id: "in_1", whatever: { nested: true } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(t.db.calls).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ outcome: "ignored", eventType: "invoice.paid", mutations: [] });
  });

  it("an event type unknown to Stripe's SDK is acknowledged too", async () => {
    const t = setup();
    const response = await t.deliver(stripeEvent("brand_new.thing_happened", { id: "x_1" }));
    expect(response.status).toBe(200);
  });
});
describe("createWebhookRoute: on handlers", () => {
  it("a handler gets (data, ctx) for a type tollgate does not handle; the event counts as processed", async () => {
    freezeClock();
    const calls: unknown[][] = [];
    const t = setup({ on: { "invoice.paid": (data, ctx) => void calls.push([data, ctx]) } });
    const event = stripeEvent("invoice.paid", { id: "in_1", customer: "cus_1", field_from_the_future: 1 });
    const response = await t.deliver(event, { timestamp: nowSeconds - 5 });
    expect(response.status).toBe(200);
    expect(calls).toEqual([
      [
        event.data.object,
        {
          eventId: event.id,
          eventType: "invoice.paid",
          requestId: response.headers.get("x-request-id"),
          timestamp: new Date((nowSeconds - 5) * 1000),
          event,
        },
      ],
    ]);
    expect(t.lastEntry()).toMatchObject({ outcome: "processed", mutations: ["invoice.paid"] });
  });

  it("a handler for a handled type runs after tollgate's write", async () => {
    const seen: number[] = [];
    const t = setup({
      sync: "payload",
      on: { "customer.subscription.updated": () => void seen.push(t.db.callsOf("upsertSubscription").length) },
    });
    await t.deliver(stripeEvent("customer.subscription.updated", subscription()));
    expect(seen).toEqual([1]);
    expect(t.lastEntry().mutations).toEqual(["upsertSubscription", "customer.subscription.updated"]);
  });

  it("a handler still runs when tollgate's own action ignored the event", async () => {
    const handler = vi.fn();
    const t = setup({ sync: "payload", on: { "checkout.session.completed": handler } });
    await t.deliver(stripeEvent("checkout.session.completed", checkoutSession()));
    expect(handler).toHaveBeenCalledTimes(1);
    expect(t.lastEntry()).toMatchObject({ outcome: "processed", syncStatus: "needs-api" });
  });

  it("a throwing handler → 500 HANDLER_FAILED, and Stripe's retry runs it again", async () => {
    const handler = vi.fn().mockRejectedValueOnce(new Error("mailer down")).mockResolvedValue(undefined);
    const t = setup({ on: { "invoice.payment_failed": handler } });
    const body = JSON.stringify(stripeEvent("invoice.payment_failed", { id: "in_1" }));
    const headers = await signStripePayload(body, secret);
    const failed = await t.post(body, headers);
    expect(failed.status).toBe(500);
    expect(await failed.text()).not.toContain("mailer");
    expect((await t.post(body, headers)).status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(2);
  });
});

describe("createWebhookRoute: types", () => {
  it("accepts the API.md usage and types handlers from the stripe SDK's event union", () => {
    const db = createMemoryAdapter();
    const env: Record<string, string | undefined> = {};
    const handler = createWebhookRoute({
      findUserByCustomerId: (customerId) => db.findUserByCustomerId(customerId),
      upsertSubscription: (data) => db.upsertSubscription(data),
      updateSubscriptionStatus: (subscriptionId, status) => db.updateSubscriptionStatus(subscriptionId, status),
      stripe: { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET },
      on: {
        "customer.subscription.updated": (data, ctx) => {
          expectTypeOf(data).toEqualTypeOf<Stripe.Subscription>();
          expectTypeOf(ctx.event).toEqualTypeOf<Stripe.CustomerSubscriptionUpdatedEvent>();
          expectTypeOf(ctx.timestamp).toEqualTypeOf<Date>();
        },
        "invoice.paid": (invoice) => expectTypeOf(invoice).toEqualTypeOf<Stripe.Invoice>(),
      },
    });
    expectTypeOf(handler).toEqualTypeOf<(request: Request) => Promise<Response>>();
    createWebhookRoute({
      ...db,
      stripe: { webhookSecret: "whsec_x" },
      // @ts-expect-error a handler's data is its event's object (an invoice here), not any object
      on: { "invoice.paid": (s: Stripe.Subscription) => s },
    });
  });
});
