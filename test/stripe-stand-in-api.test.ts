import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STAND_IN_API_VERSION, type StripeStandIn, startStripeStandIn } from "../src/testing.js";

// The stand-in driven with the real stripe SDK client it hands out: each endpoint tollgate calls, Stripe's
// idempotency-key rules, its errors and its list pagination.

let standIn: StripeStandIn;
let stripe: Stripe;
beforeEach(async () => {
  standIn = await startStripeStandIn({ seed: 14 });
  stripe = standIn.client;
});
afterEach(() => standIn.close());

const customer = () => stripe.customers.create({ email: "ada@example.com", metadata: { userId: "user_1" } });
const session = async (overrides: Stripe.Checkout.SessionCreateParams = {}) =>
  stripe.checkout.sessions.create({
    mode: "subscription",
    customer: (await customer()).id,
    line_items: [{ price: "price_pro", quantity: 1 }],
    client_reference_id: "user_1",
    metadata: { userId: "user_1" },
    subscription_data: { metadata: { userId: "user_1" } },
    success_url: "http://127.0.0.1:3000/done?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://127.0.0.1:3000/pricing",
    ...overrides,
  });

describe("the Stripe API calls tollgate makes", () => {
  it.each([
    [
      "POST /v1/customers",
      async () => customer(),
      {
        object: "customer",
        id: expect.stringMatching(/^cus_\w{14}$/),
        email: "ada@example.com",
        metadata: { userId: "user_1" },
      },
    ],
    [
      "GET /v1/customers/:id",
      async () => stripe.customers.retrieve((await customer()).id),
      { object: "customer", email: "ada@example.com", livemode: false },
    ],
    [
      "POST /v1/checkout/sessions",
      async () => session(),
      {
        object: "checkout.session",
        id: expect.stringMatching(/^cs_test_[A-Za-z0-9]+$/),
        url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_[A-Za-z0-9]+$/),
        status: "open",
        mode: "subscription",
        client_reference_id: "user_1",
        metadata: { userId: "user_1" },
        subscription: null,
        customer_details: null,
      },
    ],
    [
      "GET /v1/checkout/sessions/:id",
      async () =>
        stripe.checkout.sessions.retrieve((await session({ customer: undefined, customer_email: "b@example.com" })).id),
      { object: "checkout.session", status: "open", customer: null, customer_email: "b@example.com" },
    ],
    [
      "POST /v1/billing_portal/sessions",
      async () =>
        stripe.billingPortal.sessions.create({
          customer: (await customer()).id,
          return_url: "http://127.0.0.1:3000/account",
        }),
      {
        object: "billing_portal.session",
        url: expect.stringMatching(/^https:\/\/billing\.stripe\.com\/p\/session\/bps_\w+$/),
        return_url: "http://127.0.0.1:3000/account",
      },
    ],
    [
      "GET /v1/subscriptions/:id",
      async () => {
        const { subscription } = standIn.completeCheckout((await session()).id);
        return stripe.subscriptions.retrieve(subscription?.id as string);
      },
      {
        object: "subscription",
        status: "active",
        customer: expect.stringMatching(/^cus_/),
        metadata: { userId: "user_1" },
        items: {
          object: "list",
          data: [expect.objectContaining({ price: expect.objectContaining({ id: "price_pro" }) })],
        },
      },
    ],
  ])("%s", async (_name, call, expected) => {
    expect(await call()).toMatchObject(expected);
  });

  it("reads Stripe's form encoding with nesting (line_items[0][price], metadata[userId], expand[])", async () => {
    const { id } = await session();
    standIn.completeCheckout(id);
    const read = await stripe.checkout.sessions.retrieve(id, { expand: ["subscription", "customer"] });
    expect(read).toMatchObject({
      status: "complete",
      subscription: { object: "subscription", status: "active" },
      customer: { object: "customer", email: "ada@example.com" },
      customer_details: { email: "ada@example.com" },
    });
    const created = standIn.requests.find((request) => request.path === "/v1/checkout/sessions");
    expect(created?.form).toMatchObject({ "line_items[0][price]": "price_pro", "metadata[userId]": "user_1" });
    expect(created?.params).toMatchObject({
      line_items: [{ price: "price_pro", quantity: "1" }],
      metadata: { userId: "user_1" },
      subscription_data: { metadata: { userId: "user_1" } },
    });
    expect(standIn.requests.at(-1)?.params).toMatchObject({ expand: ["subscription", "customer"] });
  });
});

describe("errors shaped like Stripe's", () => {
  it.each([
    [
      "an unknown customer",
      () => stripe.customers.retrieve("cus_nope"),
      {
        statusCode: 404,
        type: "StripeInvalidRequestError",
        code: "resource_missing",
        param: "id",
        message: "No such customer: 'cus_nope'",
      },
    ],
    [
      "an unknown Checkout Session",
      () => stripe.checkout.sessions.retrieve("cs_test_nope"),
      { statusCode: 404, code: "resource_missing", message: "No such checkout.session: 'cs_test_nope'" },
    ],
    [
      "an unknown subscription",
      () => stripe.subscriptions.retrieve("sub_nope"),
      { statusCode: 404, code: "resource_missing", message: "No such subscription: 'sub_nope'" },
    ],
    [
      "an unknown event",
      () => stripe.events.retrieve("evt_nope"),
      { statusCode: 404, code: "resource_missing", message: "No such event: 'evt_nope'" },
    ],
    [
      "a session for an unknown customer",
      () => session({ customer: "cus_nope" }),
      { statusCode: 400, code: "resource_missing", param: "customer" },
    ],
    [
      "a session without a mode",
      () => session({ mode: undefined }),
      { statusCode: 400, code: "parameter_missing", param: "mode" },
    ],
    [
      "a subscription session without line items",
      () => session({ line_items: undefined }),
      { statusCode: 400, code: "parameter_missing", param: "line_items" },
    ],
    [
      "a portal session for an unknown customer",
      () => stripe.billingPortal.sessions.create({ customer: "cus_nope" }),
      { statusCode: 400, code: "resource_missing", param: "customer" },
    ],
    ["a list limit above 100", () => stripe.subscriptions.list({ limit: 101 }), { statusCode: 400, param: "limit" }],
    [
      "a list cursor Stripe does not know",
      () => stripe.events.list({ starting_after: "evt_nope" }),
      { statusCode: 400, code: "resource_missing", param: "starting_after" },
    ],
  ])("%s", async (_name, call, expected) => {
    await expect(call()).rejects.toMatchObject(expected);
  });

  it.each([
    ["no API key", {}, 401, /did not provide an API key/],
    ["a live key", { authorization: "Bearer sk_live_x" }, 401, /test keys only/],
    ["an unknown URL", { authorization: "Bearer sk_test_x" }, 404, /Unrecognized request URL \(GET: \/v1\/nope\)/],
    [
      "a malformed id",
      { authorization: "Bearer sk_test_x" },
      404,
      /No such customer: '%E0%A4%A'/,
      "/v1/customers/%E0%A4%A",
    ],
  ])("%s → %i", async (_name, headers, status, message, path = "/v1/nope") => {
    const response = await fetch(`${standIn.url}${path}`, { headers });
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body.error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(message) });
  });
});

describe("Stripe's idempotency keys", () => {
  const create = (email: string, key?: string) =>
    stripe.customers.create({ email }, key === undefined ? {} : { idempotencyKey: key });

  it("the same key and parameters → the first answer replayed (one customer, one event)", async () => {
    const first = await create("ada@example.com", "key-1");
    const again = await create("ada@example.com", "key-1");
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(again.lastResponse.requestId).toBe(first.lastResponse.requestId);
    expect(standIn.events.map((event) => event.type)).toEqual(["customer.created"]);
  });

  it.each([
    ["other parameters", () => create("eve@example.com", "key-1"), /same parameters/],
    [
      "another endpoint",
      () => stripe.billingPortal.sessions.create({ customer: "cus_x" }, { idempotencyKey: "key-1" }),
      /same endpoint/,
    ],
  ])("the same key with %s → 400 idempotency_error, nothing created", async (_name, call, message) => {
    await create("ada@example.com", "key-1");
    await expect(call()).rejects.toMatchObject({
      statusCode: 400,
      type: "StripeIdempotencyError",
      message: expect.stringMatching(message),
    });
    expect(standIn.events).toHaveLength(1);
  });

  it.each([
    ["no key", undefined, undefined, 2],
    ["two keys", "key-a", "key-b", 2],
    ["one key, 24 hours apart", "key-a", "key-a", 2],
  ])("%s → a new object each time", async (name, first, second, customers) => {
    const a = await create("ada@example.com", first);
    if (name.includes("24 hours")) standIn.advance(24 * 3600);
    const b = await create("ada@example.com", second);
    expect(b.id).not.toBe(a.id);
    expect(standIn.events).toHaveLength(customers);
  });

  it("a request that failed validation keeps no result: the same key with valid parameters then succeeds", async () => {
    const key = { idempotencyKey: "key-session" };
    const params = {
      mode: "subscription" as const,
      line_items: [{ price: "price_pro", quantity: 1 }],
      success_url: "http://127.0.0.1/s",
    };
    await expect(stripe.checkout.sessions.create({ ...params, customer: "cus_nope" }, key)).rejects.toMatchObject({
      statusCode: 400,
      code: "resource_missing",
    });
    expect((await stripe.checkout.sessions.create(params, key)).status).toBe("open");
  });
});

describe("list pagination, newest first", () => {
  async function subscriptions(count: number): Promise<string[]> {
    const { id } = await customer();
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(standIn.subscriptions.create({ customer: id, price: "price_pro" }).id as string);
      standIn.advance(60);
    }
    return ids.reverse();
  }

  it.each([
    [{ limit: 2 }, [0, 1], true],
    [{ limit: 2, starting_after: 1 }, [2, 3], true],
    [{ limit: 2, starting_after: 3 }, [4], false],
    [{ limit: 10 }, [0, 1, 2, 3, 4], false],
    [{ limit: 2, ending_before: 4 }, [2, 3], true],
    [{ limit: 5, ending_before: 2 }, [0, 1], false],
  ])("subscriptions %j → %j, has_more %s", async (query, expected, hasMore) => {
    const ids = await subscriptions(5);
    const params: Stripe.SubscriptionListParams = { limit: query.limit };
    if ("starting_after" in query) params.starting_after = ids[query.starting_after as number];
    if ("ending_before" in query) params.ending_before = ids[query.ending_before as number];
    const page = await stripe.subscriptions.list(params);
    expect(page.data.map((sub) => sub.id)).toEqual(expected.map((index) => ids[index]));
    expect(page.has_more).toBe(hasMore);
  });

  it("auto-pagination walks every subscription once, newest first", async () => {
    const ids = await subscriptions(7);
    const seen: string[] = [];
    for await (const sub of stripe.subscriptions.list({ limit: 3 })) seen.push(sub.id);
    expect(seen).toEqual(ids);
  });

  it.each([
    [undefined, ["active"]],
    ["all" as const, ["canceled", "active"]],
    ["canceled" as const, ["canceled"]],
    ["past_due" as const, []],
  ])("status %s → %j (canceled ones only when asked)", async (status, expected) => {
    const [newer, older] = await subscriptions(2);
    standIn.subscriptions.cancel(newer as string);
    const page = await stripe.subscriptions.list(status ? { status } : {});
    expect(page.data.map((sub) => sub.status)).toEqual(expected);
    expect(older).toBeDefined();
  });

  it("events: created[gte]/[gt], types[], type wildcards and cursors", async () => {
    const t0 = standIn.now();
    const { id } = await session();
    standIn.advance(10);
    standIn.completeCheckout(id);
    const t1 = standIn.now();
    const types = async (params: Stripe.EventListParams) =>
      (await stripe.events.list({ limit: 100, ...params })).data.map((e) => e.type);
    expect(await types({})).toEqual([
      "checkout.session.completed",
      "invoice.payment_succeeded",
      "invoice.paid",
      "invoice.finalized",
      "invoice.created",
      "customer.subscription.created",
      "customer.created",
    ]);
    expect(await types({ created: { gte: t1 } })).toHaveLength(6);
    expect(await types({ created: { gt: t0 } })).toHaveLength(6);
    expect(await types({ created: { lt: t1 } })).toEqual(["customer.created"]);
    expect(await types({ types: ["checkout.session.completed", "customer.subscription.created"] })).toEqual([
      "checkout.session.completed",
      "customer.subscription.created",
    ]);
    expect(await types({ type: "invoice.*" })).toEqual([
      "invoice.payment_succeeded",
      "invoice.paid",
      "invoice.finalized",
      "invoice.created",
    ]);
    const [newest] = standIn.events.slice(-1);
    expect(await types({ starting_after: newest?.id, type: "customer.*" })).toEqual([
      "customer.subscription.created",
      "customer.created",
    ]);
    expect((await stripe.events.retrieve(newest?.id as string)).type).toBe("checkout.session.completed");
  });
});

describe("API versions", () => {
  it("the default is the version of the stripe SDK tollgate is built with", async () => {
    const { default: StripeClass } = await import("stripe");
    const plain = new StripeClass("sk_test_plain", { host: "127.0.0.1", port: standIn.port, protocol: "http" });
    const customer = await plain.customers.create({ email: "ada@example.com" });
    expect(customer.lastResponse.apiVersion).toBe(STAND_IN_API_VERSION);
  });

  it.each([
    ["2026-10-28.endive", false],
    ["2025-03-31.basil", false],
    ["2024-06-20", true],
  ])("%s: the period on the subscription itself %s (else on its items)", async (apiVersion, onSubscription) => {
    const other = await startStripeStandIn({ apiVersion });
    try {
      const { id } = await other.client.customers.create({ email: "ada@example.com" });
      const sub = other.subscriptions.create({ customer: id, price: "price_pro" });
      const read = (await other.client.subscriptions.retrieve(sub.id)) as unknown as Record<string, unknown> & {
        items: { data: Record<string, unknown>[] };
      };
      expect("current_period_end" in read).toBe(onSubscription);
      expect("current_period_end" in (read.items.data[0] ?? {})).toBe(!onSubscription);
      expect(other.events.at(-1)?.api_version).toBe(apiVersion);
    } finally {
      await other.close();
    }
  });
});
