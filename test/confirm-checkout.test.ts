import { HttpResponse, http } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import {
  type AuditEntry,
  createSubscriptionStatusRoute,
  createWebhookRoute,
  type SubscriptionStatusRouteOptions,
} from "../src/index.js";
import { createMemoryAdapter, signStripePayload, stripeEvent } from "../src/testing.js";
import { publishedCheckoutSession } from "./support/stripe-fixtures.js";
import {
  freezeClock,
  NOW,
  nowSeconds,
  periodEnd,
  secret,
  server,
  stripeState,
  subscription,
  useStripeApi,
} from "./support/stripe-webhook.js";

// Confirm on return: the page Stripe sends the customer back to (`?session_id={CHECKOUT_SESSION_ID}`)
// asks the status route, which applies the finished Checkout before answering.
useStripeApi();

const SESSION = "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY";
const sessions = new Map<string, Record<string, unknown>>();
const sessionReads: string[] = [];

/** Stripe's published Checkout Session object, completed for a subscription by default. */
function checkoutSession(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...publishedCheckoutSession(),
    id: SESSION,
    status: "complete",
    mode: "subscription",
    payment_status: "paid",
    customer: "cus_1",
    subscription: "sub_1",
    client_reference_id: "user_1",
    customer_email: null,
    customer_details: { email: "ada@example.com" },
    ...fields,
  };
}

beforeEach(() => {
  sessions.clear();
  sessionReads.length = 0;
  server.use(
    http.get("https://api.stripe.com/v1/checkout/sessions/:id", ({ params }) => {
      const id = String(params.id);
      sessionReads.push(id);
      const found = sessions.get(id);
      if (found) return HttpResponse.json(found);
      return HttpResponse.json(
        {
          error: {
            type: "invalid_request_error",
            code: "resource_missing",
            message: `No such checkout.session: '${id}'`,
          },
        },
        { status: 404 },
      );
    }),
  );
});

function setup(overrides: Partial<SubscriptionStatusRouteOptions> = {}) {
  const db = createMemoryAdapter();
  db.seedUser({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" });
  db.seedUser({ id: "user_2", email: "eve@example.com", stripeCustomerId: "cus_2" });
  const entries: AuditEntry[] = [];
  const status = createSubscriptionStatusRoute({
    findUserWithSubscription: db.findUserWithSubscription,
    audit: (entry) => void entries.push(entry as AuditEntry),
    confirmCheckout: { stripe: { secretKey: "sk_test_123" }, upsertSubscription: db.upsertSubscription },
    ...overrides,
  });
  const webhook = createWebhookRoute({
    ...db,
    audit: false,
    stripe: { secretKey: "sk_test_123", webhookSecret: secret },
  });
  async function returnTo(query: string) {
    const response = await status(new Request(`https://app.example/api/subscription/status${query}`));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  async function deliver(event: object) {
    const body = JSON.stringify(event);
    const headers = await signStripePayload(body, secret, { timestamp: nowSeconds });
    return webhook(new Request("https://app.example/api/webhooks/stripe", { method: "POST", body, headers }));
  }
  return { db, entries, returnTo, deliver, lastEntry: () => entries.at(-1) as AuditEntry };
}

const ADA = `?email=ada@example.com&session_id=${SESSION}`;
const paid = { hasAccess: true, status: "active", currentPeriodEnd: new Date(periodEnd * 1000).toISOString() };
const completed = () =>
  stripeEvent("checkout.session.completed", checkoutSession(), {
    created: nowSeconds - 30,
    api_version: "2026-07-29.dahlia",
  });

describe("confirm on return", () => {
  it("return first: the paid state is applied before the answer; the webhook landing later changes nothing", async () => {
    freezeClock();
    const t = setup();
    sessions.set(SESSION, checkoutSession());
    stripeState.set("sub_1", subscription());
    const answer = await t.returnTo(ADA);
    expect(answer).toEqual({ status: 200, body: { ...paid, cancelAtPeriodEnd: false } });
    expect(sessionReads).toEqual([SESSION]);
    expect(t.lastEntry()).toMatchObject({
      outcome: "processed",
      syncStatus: "confirmed",
      mutations: ["upsertSubscription"],
    });
    const row = t.db.subscriptions();
    expect(row).toMatchObject([{ id: "sub_1", userId: "user_1", status: "active", eventCreatedAt: new Date(NOW) }]);

    expect((await t.deliver(completed())).status).toBe(200);
    const older = stripeEvent("customer.subscription.created", subscription({ status: "incomplete" }), {
      created: nowSeconds - 40,
    });
    expect((await t.deliver(older)).status).toBe(200);
    expect(t.db.subscriptions()).toEqual(row);
    expect(await t.returnTo("?email=ada@example.com")).toMatchObject({ body: { hasAccess: true } });
  });

  it("webhook first: the return confirms what is there", async () => {
    freezeClock();
    const t = setup();
    sessions.set(SESSION, checkoutSession());
    stripeState.set("sub_1", subscription());
    expect((await t.deliver(completed())).status).toBe(200);
    const row = t.db.subscriptions();
    expect(await t.returnTo(ADA)).toEqual({ status: 200, body: { ...paid, cancelAtPeriodEnd: false } });
    expect(t.db.subscriptions()).toEqual(row);
  });

  it("both at once: one row, paid", async () => {
    freezeClock();
    const t = setup();
    sessions.set(SESSION, checkoutSession());
    stripeState.set("sub_1", subscription());
    const [answer, delivery] = await Promise.all([t.returnTo(ADA), t.deliver(completed())]);
    expect(answer.body).toMatchObject({ hasAccess: true, status: "active" });
    expect(delivery.status).toBe(200);
    expect(t.db.subscriptions()).toMatchObject([{ id: "sub_1", status: "active" }]);
  });

  it.each([
    ["client_reference_id", { client_reference_id: "user_1", customer_details: { email: "other@example.com" } }],
    ["customer_details.email", { client_reference_id: null, customer_details: { email: " ADA@Example.com " } }],
    ["customer_email", { client_reference_id: null, customer_details: null, customer_email: "ada@example.com" }],
  ])("the caller owns the session by %s", async (_by, fields) => {
    freezeClock();
    const t = setup();
    sessions.set(SESSION, checkoutSession(fields));
    stripeState.set("sub_1", subscription());
    expect((await t.returnTo(ADA)).body).toMatchObject({ hasAccess: true });
  });

  it.each([
    [
      "someone else's session",
      { client_reference_id: "user_2", customer_details: { email: "eve@example.com" } },
      "checkout-not-owner",
    ],
    ["an open session", { status: "open", subscription: null }, "checkout-incomplete"],
    ["an expired session", { status: "expired", subscription: null }, "checkout-incomplete"],
    ["a payment-mode session", { mode: "payment", subscription: null }, "checkout-incomplete"],
    ["a setup-mode session", { mode: "setup", subscription: null }, "checkout-incomplete"],
  ])("%s changes nothing: the ordinary status is answered", async (_case, fields, syncStatus) => {
    freezeClock();
    const t = setup();
    sessions.set(SESSION, checkoutSession(fields));
    stripeState.set("sub_1", subscription());
    expect(await t.returnTo(ADA)).toEqual({ status: 200, body: { hasAccess: false, status: null } });
    expect(t.db.callsOf("upsertSubscription")).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ outcome: "processed", syncStatus, mutations: [] });
  });

  it.each([
    ["the session read fails", "/v1/checkout/sessions/:id"],
    ["the subscription read fails", "/v1/subscriptions/:id"],
  ])("Stripe down (%s) → 502 UPSTREAM_ERROR without Stripe's message, nothing written", async (_case, path) => {
    freezeClock();
    const t = setup();
    sessions.set(SESSION, checkoutSession());
    stripeState.set("sub_1", subscription());
    server.use(
      http.get(`https://api.stripe.com${path}`, () =>
        HttpResponse.json(
          { error: { type: "api_error", message: "Stripe internal shard 12 down" } },
          { status: 500, headers: { "stripe-should-retry": "false" } },
        ),
      ),
    );
    const answer = await t.returnTo(ADA);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: "UPSTREAM_ERROR" });
    expect(JSON.stringify(answer.body)).not.toMatch(/shard|cs_test/);
    expect(t.db.callsOf("upsertSubscription")).toEqual([]);
  });

  it.each([
    ["empty", ""],
    ["not a session id", "sub_1"],
    ["a placeholder left unreplaced", "{CHECKOUT_SESSION_ID}"],
    ["no suffix", "cs_test_"],
    ["another mode", "cs_prod_abc123"],
    ["punctuation", "cs_test_abc-123"],
    ["an encoded slash", "cs_test_abc%2F..%2Fcustomers"],
    ["too long", `cs_test_${"a".repeat(248)}`],
  ])("a malformed session_id (%s) → 400 VALIDATION_ERROR, no Stripe call", async (_case, id) => {
    const t = setup();
    const answer = await t.returnTo(`?email=ada@example.com&session_id=${id}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "VALIDATION_ERROR", details: { session_id: [expect.any(String)] } });
    expect(sessionReads).toEqual([]);
  });

  it("the longest well-formed id (255 characters) is asked for", async () => {
    const t = setup();
    const id = `cs_live_${"a".repeat(247)}`;
    expect(id).toHaveLength(255);
    sessions.set(id, checkoutSession({ id, status: "open", subscription: null }));
    expect((await t.returnTo(`?email=ada@example.com&session_id=${id}`)).status).toBe(200);
    expect(sessionReads).toEqual([id]);
  });

  it.each([
    [
      "without confirmCheckout, session_id is ignored (even a malformed one)",
      { confirmCheckout: undefined },
      "nope",
      200,
    ],
    ["an unknown caller: nothing to apply, no Stripe call", {}, SESSION, 200],
    ["with auth and nobody signed in → 401 first", { auth: async () => null }, SESSION, 401],
  ] as const)("%s", async (_case, overrides, id, status) => {
    const t = setup(overrides);
    const email = status === 200 && "confirmCheckout" in overrides ? "ada@example.com" : "nobody@example.com";
    const answer = await t.returnTo(`?email=${email}&session_id=${id}`);
    expect(answer.status).toBe(status);
    expect(sessionReads).toEqual([]);
  });

  it("no usable key → 500 CONFIGURATION_ERROR for a request with a session_id only", async () => {
    const t = setup({ confirmCheckout: { stripe: {}, upsertSubscription: async () => undefined } });
    expect((await t.returnTo(ADA)).body).toMatchObject({ code: "CONFIGURATION_ERROR" });
    expect((await t.returnTo("?email=ada@example.com")).status).toBe(200);
  });

  it.each([
    ["not an object", "yes"],
    ["without stripe", { upsertSubscription: async () => undefined }],
    ["without upsertSubscription", { stripe: { secretKey: "sk_test_1" } }],
  ])("confirmCheckout %s → TypeError at creation", (_case, confirmCheckout) => {
    expect(() =>
      createSubscriptionStatusRoute({
        findUserWithSubscription: async () => null,
        confirmCheckout: confirmCheckout as never,
      }),
    ).toThrow(TypeError);
  });
});
