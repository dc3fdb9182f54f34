import { describe, expect, it } from "vitest";
import { signStripePayload, stripeEvent } from "../src/testing.js";
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

describe("createWebhookRoute: failures are retried by Stripe", () => {
  it.each([
    ["findUserByCustomerId", () => stripeEvent("customer.subscription.updated", subscription()), "upsertSubscription"],
    ["upsertSubscription", () => stripeEvent("customer.subscription.updated", subscription()), "upsertSubscription"],
    ["upsertSubscription", () => stripeEvent("checkout.session.completed", checkoutSession()), "upsertSubscription"],
    [
      "updateSubscriptionStatus",
      () => stripeEvent("customer.subscription.deleted", subscription()),
      "updateSubscriptionStatus",
    ],
  ] as const)("%s throws → 500 HANDLER_FAILED, then the same delivery is processed", async (failing, event, write) => {
    const t = setup();
    stripeState.set("sub_1", subscription());
    const body = JSON.stringify(event());
    const headers = await signStripePayload(body, secret);
    t.db.failNext(failing, new Error("connection to db-primary.internal refused"));

    const failed = await t.post(body, headers);
    const text = await failed.text();
    expect(failed.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ code: "HANDLER_FAILED" });
    expect(text).not.toContain("db-primary");
    expect(t.lastEntry()).toMatchObject({ level: "error", outcome: "error", status: 500, reason: "HANDLER_FAILED" });

    const retried = await t.post(body, headers); // Stripe re-sends the same bytes
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ received: true });
    expect(t.db.callsOf(write)).toHaveLength(failing === write ? 2 : 1);
    expect(t.lastEntry()).toMatchObject({ outcome: "processed", mutations: [write] });
  });

  it("a duplicate delivery → 200 { received: true, duplicate: true } with no write", async () => {
    const t = setup();
    stripeState.set("sub_1", subscription());
    const event = stripeEvent("customer.subscription.updated", subscription());
    await t.deliver(event);
    // Stripe signs each attempt afresh; the event id is what makes it the same delivery.
    const again = await t.deliver(event, { timestamp: nowSecondsNow() + 1 });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(t.writes()).toHaveLength(1);
    expect(retrieved).toHaveLength(1);
    expect(t.lastEntry()).toMatchObject({ outcome: "duplicate", status: 200, eventId: event.id, mutations: [] });
  });

  it("a delivery of an event still being processed → 409 EVENT_IN_FLIGHT; the first one completes", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const t = setup({
      sync: "payload",
      upsertSubscription: async () => {
        entered();
        await gate;
      },
    });
    const event = stripeEvent("customer.subscription.updated", subscription());
    const first = t.deliver(event);
    await inside;
    const second = await t.deliver(event);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ code: "EVENT_IN_FLIGHT" });
    release();
    expect((await first).status).toBe(200);
    expect(await (await t.deliver(event)).json()).toEqual({ received: true, duplicate: true });
  });
});

function nowSecondsNow(): number {
  return Math.floor(Date.now() / 1000);
}

describe("createWebhookRoute: out-of-order delivery", () => {
  const t1 = nowSeconds - 120;
  const t2 = nowSeconds - 60;
  const t3 = nowSeconds;
  const events = {
    created: stripeEvent("customer.subscription.created", subscription({ status: "incomplete" }), { created: t1 }),
    updated1: stripeEvent("customer.subscription.updated", subscription({ status: "trialing" }), { created: t2 }),
    updated2: stripeEvent("customer.subscription.updated", subscription({ status: "active" }), { created: t3 }),
  };
  const orders = [
    ["created", "updated1", "updated2"],
    ["created", "updated2", "updated1"],
    ["updated1", "created", "updated2"],
    ["updated1", "updated2", "created"],
    ["updated2", "created", "updated1"],
    ["updated2", "updated1", "created"],
  ] as const;

  it.each(orders)("refetch converges on Stripe's state when delivered as %s, %s, %s", async (...order) => {
    freezeClock();
    const t = setup();
    const stripeNow = subscription({ status: "active", cancel_at_period_end: true }, periodEnd + 86_400);
    stripeNow.items = { data: [{ price: { id: "price_pro" }, current_period_end: periodEnd + 86_400 }] };
    stripeState.set("sub_1", stripeNow);
    for (const name of order) expect((await t.deliver(events[name])).status).toBe(200);
    expect(retrieved).toEqual(["sub_1", "sub_1", "sub_1"]);
    expect(t.db.subscriptions()).toEqual([
      expectedRow({
        priceId: "price_pro",
        cancelAtPeriodEnd: true,
        cancelAt: new Date((periodEnd + 86_400) * 1000),
        currentPeriodEnd: new Date((periodEnd + 86_400) * 1000),
        // The read time (the frozen clock, here equal to the newest event's time).
        eventCreatedAt: new Date(t3 * 1000),
      }),
    ]);
  });

  type Delivery = [type: string, created: number, status: string];
  it.each<[string, Delivery[], string[], string | undefined]>([
    [
      "in order: every event applied",
      [
        ["customer.subscription.created", t1, "incomplete"],
        ["customer.subscription.updated", t2, "trialing"],
        ["customer.subscription.updated", t3, "active"],
      ],
      ["payload", "payload", "payload"],
      "active",
    ],
    [
      "an older event after a newer one is skipped",
      [
        ["customer.subscription.updated", t3, "active"],
        ["customer.subscription.updated", t2, "trialing"],
        ["customer.subscription.created", t1, "incomplete"],
      ],
      ["payload", "stale", "stale"],
      "active",
    ],
    [
      "same-second events are both applied",
      [
        ["customer.subscription.updated", t2, "trialing"],
        ["customer.subscription.updated", t2, "active"],
      ],
      ["payload", "payload"],
      "active",
    ],
    [
      "an update older than the deletion is skipped",
      [
        ["customer.subscription.deleted", t3, "canceled"],
        ["customer.subscription.updated", t2, "active"],
      ],
      ["payload", "stale"],
      undefined,
    ],
  ])("payload mode: %s", async (_case, deliveries, syncStatuses, finalStatus) => {
    freezeClock();
    const t = setup({ sync: "payload" });
    for (const [type, created, status] of deliveries) {
      const response = await t.deliver(stripeEvent(type, subscription({ status }), { created }));
      expect(await response.json()).toEqual({ received: true });
    }
    const entries = t.entries.filter((entry) => entry.route === "stripe-webhook");
    expect(entries.map((entry) => entry.syncStatus)).toEqual(syncStatuses);
    expect(entries.map((entry) => entry.outcome)).toEqual(
      syncStatuses.map((status) => (status === "stale" ? "ignored" : "processed")),
    );
    // The route skipped the stale writes itself (the memory adapter's own guard never saw them).
    const upserts = deliveries.filter(
      ([type], i) => type !== "customer.subscription.deleted" && syncStatuses[i] !== "stale",
    );
    expect(t.db.callsOf("upsertSubscription")).toHaveLength(upserts.length);
    expect(t.db.subscriptions()[0]?.status).toBe(finalStatus);
    expect(retrieved).toEqual([]);
  });
});

describe("createWebhookRoute: a handler's own errors", () => {
  it("answers 500 HANDLER_FAILED even when an on handler throws a TollgateError with a 4xx code", async () => {
    const { TollgateError } = await import("../src/index.js");
    const { deliver } = setup({
      sync: "payload",
      on: {
        "invoice.paid": () => {
          throw new TollgateError("FORBIDDEN");
        },
      },
    });
    const response = await deliver(stripeEvent("invoice.paid", { id: "in_1", object: "invoice" }));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "HANDLER_FAILED" });
  });
});
