import { HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import { createWebhookRoute } from "../src/index.js";
import { createMemoryAdapter, signStripePayload, stripeEvent } from "../src/testing.js";
import { NOW, nowSeconds, secret, server, stripeState, subscription, useStripeApi } from "./support/stripe-webhook.js";

// Which write wins. Payload mode orders writes by the event's `created`. Refetch mode writes Stripe's
// current copy, so its version is the time that copy was read (never earlier than the event): a
// late answer to an old event carries newer state than a row written from an earlier read.
useStripeApi();

const s = (seconds: number) => new Date((nowSeconds + seconds) * 1000);

/** Two route instances (two servers) over one durable database. */
function instances(sync: "refetch" | "payload" = "refetch") {
  const db = createMemoryAdapter();
  db.seedUser({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" });
  const route = () =>
    createWebhookRoute({ ...db, sync, audit: false, stripe: { secretKey: "sk_test_123", webhookSecret: secret } });
  const [a, b] = [route(), route()];
  async function deliver(handler: typeof a, event: object) {
    const body = JSON.stringify(event);
    const headers = await signStripePayload(body, secret, { timestamp: Math.floor(Date.now() / 1000) });
    return handler(new Request("https://app.example/api/webhooks/stripe", { method: "POST", body, headers }));
  }
  return { db, a, b, deliver };
}

function at(seconds: number): void {
  vi.setSystemTime(NOW + seconds * 1000);
}

describe("refetch mode: the version of a write is the time Stripe's copy was read", () => {
  it("a late answer to an old event wins over a row written from an earlier read", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { db, a, b, deliver } = instances();
    const older = stripeEvent("customer.subscription.updated", subscription(), { created: nowSeconds - 100 });
    const newer = stripeEvent("customer.subscription.updated", subscription(), { created: nowSeconds - 10 });

    at(0);
    stripeState.set("sub_1", subscription({ status: "trialing" }));
    expect((await deliver(a, newer)).status).toBe(200); // read at +0 s: trialing

    at(30); // Stripe moves on; the event saying so is still on its way.
    stripeState.set("sub_1", subscription({ status: "active", cancel_at_period_end: true }));
    expect((await deliver(b, older)).status).toBe(200); // read at +30 s: active

    // Event time would have refused it (−100 s < −10 s) and left the row behind Stripe.
    expect(db.subscriptions()).toMatchObject([{ status: "active", cancelAtPeriodEnd: true, eventCreatedAt: s(30) }]);
  });

  it("of two concurrent re-reads, the one that read later wins, whichever writes last", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { db, a, b, deliver } = instances();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reads = 0;
    server.use(
      http.get("https://api.stripe.com/v1/subscriptions/:id", async () => {
        reads++;
        if (reads === 1) {
          // The first read sees the old state but is answered after the second one.
          const stale = subscription({ status: "trialing" });
          await held;
          return HttpResponse.json(stale);
        }
        return HttpResponse.json(subscription({ status: "active" }));
      }),
    );
    at(0);
    const first = deliver(a, stripeEvent("customer.subscription.updated", subscription(), { created: nowSeconds }));
    await vi.waitFor(() => expect(reads).toBe(1));
    at(5);
    const second = await deliver(
      b,
      stripeEvent("customer.subscription.created", subscription(), { created: nowSeconds - 50 }),
    );
    expect(second.status).toBe(200);
    release();
    expect((await first).status).toBe(200);
    expect(db.callsOf("upsertSubscription")).toHaveLength(2);
    expect(db.subscriptions()).toMatchObject([{ status: "active", eventCreatedAt: s(5) }]);
  });

  it("a read never dates a write before the event it answers (a server clock behind Stripe's)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { db, a, deliver } = instances();
    stripeState.set("sub_1", subscription());
    at(0);
    // Signed "now", but created 20 s in our future: Stripe's clock is ahead of ours.
    const event = stripeEvent("customer.subscription.updated", subscription(), { created: nowSeconds + 20 });
    expect((await deliver(a, event)).status).toBe(200);
    expect(db.subscriptions()).toMatchObject([{ eventCreatedAt: s(20) }]);
  });
});

describe("deletion: updateSubscriptionStatus(id, status, { eventCreatedAt })", () => {
  it.each(["payload", "refetch"] as const)(
    "%s: an older update reaching another instance after the deletion is refused by the adapter",
    async (sync) => {
      vi.useFakeTimers({ toFake: ["Date"] });
      at(0);
      const { db, a, b, deliver } = instances(sync);
      stripeState.set("sub_1", subscription());
      const created = stripeEvent("customer.subscription.created", subscription(), { created: nowSeconds - 120 });
      at(-120);
      expect((await deliver(a, created)).status).toBe(200);
      at(0);
      const deleted = stripeEvent("customer.subscription.deleted", subscription({ status: "canceled" }), {
        created: nowSeconds - 60,
      });
      expect((await deliver(a, deleted)).status).toBe(200);
      expect(db.callsOf("updateSubscriptionStatus")).toEqual([["sub_1", "canceled", { eventCreatedAt: s(-60) }]]);
      // In payload mode instance b has never seen the deletion; in refetch mode Stripe's copy is
      // read before the deletion happened (a read at −90 s: active), and arrives after it.
      if (sync === "refetch") at(-90);
      const late = stripeEvent("customer.subscription.updated", subscription({ status: "active" }), {
        created: nowSeconds - 90,
      });
      expect((await deliver(b, late)).status).toBe(200);
      expect(db.callsOf("upsertSubscription")).toHaveLength(2);
      expect(db.subscriptions()).toMatchObject([{ status: "canceled", eventCreatedAt: s(-60) }]);
    },
  );

  it("a deletion that overtakes the creation is remembered: the older creation stays canceled", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(0);
    const { db, a, b, deliver } = instances("payload");
    const deleted = stripeEvent("customer.subscription.deleted", subscription({ status: "canceled" }), {
      created: nowSeconds - 10,
    });
    expect((await deliver(a, deleted)).status).toBe(200);
    expect(db.subscriptions()).toEqual([]);
    const created = stripeEvent("customer.subscription.created", subscription(), { created: nowSeconds - 30 });
    expect((await deliver(b, created)).status).toBe(200);
    expect(db.subscriptions()).toMatchObject([{ id: "sub_1", status: "canceled", eventCreatedAt: s(-10) }]);
  });

  it("an adapter written for two arguments keeps working", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    at(0);
    const calls: unknown[][] = [];
    const db = createMemoryAdapter();
    const handler = createWebhookRoute({
      ...db,
      updateSubscriptionStatus: async (id: string, status: string) => {
        calls.push([id, status]);
      },
      audit: false,
      stripe: { webhookSecret: secret },
    });
    const body = JSON.stringify(stripeEvent("customer.subscription.deleted", { id: "sub_1" }));
    const headers = await signStripePayload(body, secret, { timestamp: nowSeconds });
    const response = await handler(new Request("https://app.example/hook", { method: "POST", body, headers }));
    expect(response.status).toBe(200);
    expect(calls).toEqual([["sub_1", "canceled"]]);
  });
});
