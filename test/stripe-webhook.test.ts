import { describe, expect, it } from "vitest";
import { createWebhookRoute } from "../src/index.js";
import { signStripePayload, stripeEvent } from "../src/testing.js";
import {
  freezeClock,
  nowSeconds,
  retrieved,
  type Setup,
  secret,
  setup,
  stripeState,
  subscription,
  useStripeApi,
  validOptions,
} from "./support/stripe-webhook.js";

useStripeApi();

describe("createWebhookRoute: rejections", () => {
  const event = () => stripeEvent("customer.subscription.updated", subscription(), { created: nowSeconds });

  it.each([
    ["GET → 405 with Allow", async (t: Setup) => t.post("", {}, "GET"), 405, "METHOD_NOT_ALLOWED"],
    [
      "a body over 1 MiB → 413",
      async (t: Setup) => t.deliver(`{"pad":"${"x".repeat(1_048_576)}"}`),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    ["no stripe-signature", async (t: Setup) => t.post(JSON.stringify(event()), {}), 400, "MISSING_SIGNATURE"],
    [
      "an empty stripe-signature",
      async (t: Setup) => t.post(JSON.stringify(event()), { "stripe-signature": " " }),
      400,
      "MISSING_SIGNATURE",
    ],
    [
      "a malformed stripe-signature",
      async (t: Setup) => t.post(JSON.stringify(event()), { "stripe-signature": "v1=abc" }),
      400,
      "INVALID_SIGNATURE",
    ],
    [
      "a signature by another secret",
      async (t: Setup) => t.deliver(event(), { signWith: "whsec_someone_else" }),
      400,
      "INVALID_SIGNATURE",
    ],
    [
      "a body changed after signing",
      async (t: Setup) => {
        const body = JSON.stringify(event());
        return t.post(body.replace('"active"', '"canceled"'), await signStripePayload(body, secret));
      },
      400,
      "INVALID_SIGNATURE",
    ],
    [
      "a signed timestamp 301 s old",
      async (t: Setup) => t.deliver(event(), { timestamp: nowSeconds - 301 }),
      400,
      "TIMESTAMP_TOO_OLD",
    ],
    [
      "a signed timestamp 61 s ahead",
      async (t: Setup) => t.deliver(event(), { timestamp: nowSeconds + 61 }),
      400,
      "TIMESTAMP_IN_FUTURE",
    ],
    ["a body that is not JSON", async (t: Setup) => t.deliver("not json"), 400, "INVALID_PAYLOAD"],
    ["JSON that is not an event", async (t: Setup) => t.deliver({ hello: "world" }), 400, "INVALID_PAYLOAD"],
    ["a JSON array", async (t: Setup) => t.deliver("[]"), 400, "INVALID_PAYLOAD"],
    [
      "a subscription event without a subscription id (refetch mode reads nothing else)",
      async (t: Setup) =>
        t.deliver(stripeEvent("customer.subscription.updated", { customer: "cus_1", status: "active" })),
      400,
      "INVALID_PAYLOAD",
    ],
    [
      "a deletion without a subscription id",
      async (t: Setup) => t.deliver(stripeEvent("customer.subscription.deleted", { status: "canceled" })),
      400,
      "INVALID_PAYLOAD",
    ],
  ])("%s", async (_case, send, status, code) => {
    freezeClock();
    const t = setup();
    const response = await send(t);
    const body = await response.json();
    expect(response.status).toBe(status);
    expect(body).toEqual({ error: expect.any(String), code, requestId: response.headers.get("x-request-id") });
    if (status === 405) expect(response.headers.get("allow")).toBe("POST");
    expect(t.writes()).toEqual([]);
    expect(retrieved).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ route: "stripe-webhook", outcome: "rejected", status, reason: code });
  });

  it.each([
    ["exactly 300 s old", nowSeconds - 300],
    ["exactly 60 s ahead", nowSeconds + 60],
  ])("accepts a signed timestamp %s (inclusive edges)", async (_case, timestamp) => {
    freezeClock();
    const t = setup({ sync: "payload" });
    expect((await t.deliver(event(), { timestamp })).status).toBe(200);
  });

  it("records signatureValid: true for a replay (signature checked before the timestamp)", async () => {
    freezeClock();
    const t = setup();
    await t.deliver(event(), { timestamp: nowSeconds - 3600 });
    expect(t.lastEntry()).toMatchObject({ signatureValid: true, reason: "TIMESTAMP_TOO_OLD" });
  });
});

describe("createWebhookRoute: INVALID_PAYLOAD names the failing field paths, never their values", () => {
  it.each([
    [
      "an item without a price",
      stripeEvent("customer.subscription.updated", subscription({ items: { data: [{ price: 7 }] } })),
      ["items.data[0].price"],
    ],
    [
      "a status that is not a string, no customer",
      stripeEvent("customer.subscription.created", subscription({ status: 42, customer: undefined })),
      ["customer", "status"],
    ],
    ["a deletion without a subscription id", stripeEvent("customer.subscription.deleted", { status: "x" }), ["id"]],
    [
      "a completed checkout whose customer is a number",
      stripeEvent("checkout.session.completed", {
        id: "cs_1",
        mode: "subscription",
        customer: 99,
        subscription: "sub_1",
      }),
      ["customer"],
    ],
  ])("%s", async (_case, event, fields) => {
    freezeClock();
    const t = setup({ sync: "payload" });
    const response = await t.deliver({ ...event, created: nowSeconds });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.code).toBe("INVALID_PAYLOAD");
    for (const field of fields) expect(body.error).toContain(field);
    expect(t.lastEntry()).toMatchObject({ reason: "INVALID_PAYLOAD", invalidFields: fields });
    const { processingTimeMs: _time, ...entry } = t.lastEntry();
    expect(JSON.stringify(entry)).not.toMatch(/:(7|42|99)[,}\]]/); // the values sent, nowhere
  });
});

describe("createWebhookRoute: order of checks", () => {
  // method → body size → configuration → signature → timestamp → payload → idempotency → handlers
  type Faults = { method?: string; body?: string; unsigned?: boolean; signWith?: string; timestamp?: number };
  it.each<[string, Faults, { webhookSecret?: undefined }, string]>([
    ["method before body size", { method: "PUT", body: "x".repeat(2_000_000) }, {}, "METHOD_NOT_ALLOWED"],
    [
      "body size before configuration",
      { body: "x".repeat(2_000_000) },
      { webhookSecret: undefined },
      "PAYLOAD_TOO_LARGE",
    ],
    ["configuration before signature", { unsigned: true }, { webhookSecret: undefined }, "CONFIGURATION_ERROR"],
    ["signature before timestamp", { signWith: "whsec_other", timestamp: nowSeconds - 3600 }, {}, "INVALID_SIGNATURE"],
    ["timestamp before payload", { body: "not json", timestamp: nowSeconds - 3600 }, {}, "TIMESTAMP_TOO_OLD"],
  ])("%s", async (_case, request, stripe, code) => {
    freezeClock();
    const t = setup({ stripe });
    const body = request.body ?? JSON.stringify(stripeEvent("customer.subscription.updated", subscription()));
    const signed = await signStripePayload(body, request.signWith ?? secret, { timestamp: request.timestamp });
    const response = await t.post(body, request.unsigned ? {} : signed, request.method);
    expect((await response.json()).code).toBe(code);
  });

  it("idempotency before handlers: a duplicate is answered even while the adapter would fail", async () => {
    const t = setup();
    stripeState.set("sub_1", subscription());
    const event = stripeEvent("customer.subscription.updated", subscription());
    expect((await t.deliver(event)).status).toBe(200);
    t.db.failNext("upsertSubscription");
    const again = await t.deliver(event);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(t.db.callsOf("upsertSubscription")).toHaveLength(1);
  });
});

describe("createWebhookRoute: configuration", () => {
  it.each([
    ["webhookSecret unset", { webhookSecret: undefined }],
    ["webhookSecret empty", { webhookSecret: "" }],
    ["webhookSecret an empty list", { webhookSecret: [] }],
    ["sync refetch with a malformed secret key", { secretKey: "sk_nope" }],
    ["sync refetch with an empty secret key", { secretKey: "" }, "refetch" as const],
  ])("%s → 500 CONFIGURATION_ERROR without leaking it", async (_case, stripe, sync?: "refetch") => {
    const t = setup({ stripe, sync });
    const response = await t.deliver(stripeEvent("customer.subscription.updated", subscription()));
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ code: "CONFIGURATION_ERROR" });
    expect(text).not.toContain("whsec_");
    expect(text).not.toContain("sk_");
    expect(t.writes()).toEqual([]);
  });

  it.each([
    ["options not an object", () => createWebhookRoute(null as never), /createWebhookRoute options/],
    [
      "an adapter function missing",
      () => createWebhookRoute({ ...validOptions(), upsertSubscription: undefined as never }),
      /upsertSubscription/,
    ],
    [
      "stripe missing",
      () => createWebhookRoute({ ...validOptions(), stripe: undefined as never }),
      /stripe must be an object/,
    ],
    [
      "webhookSecret a number",
      () => createWebhookRoute({ ...validOptions(), stripe: { webhookSecret: 42 as never } }),
      /stripe\.webhookSecret/,
    ],
    [
      "secretKey a number",
      () => createWebhookRoute({ ...validOptions(), stripe: { webhookSecret: secret, secretKey: 1 as never } }),
      /stripe\.secretKey/,
    ],
    ["sync unknown", () => createWebhookRoute({ ...validOptions(), sync: "sometimes" as never }), /sync/],
    ["on not an object", () => createWebhookRoute({ ...validOptions(), on: "handlers" as never }), /\bon\b/],
    [
      "an on handler not a function",
      () => createWebhookRoute({ ...validOptions(), on: { "invoice.paid": 1 as never } }),
      /on\["invoice\.paid"\]/,
    ],
    ["maxBodyBytes negative", () => createWebhookRoute({ ...validOptions(), maxBodyBytes: -1 }), /maxBodyBytes/],
    ["idempotency.ttlMs zero", () => createWebhookRoute({ ...validOptions(), idempotency: { ttlMs: 0 } }), /ttlMs/],
  ])("throws a TypeError at creation for %s", (_case, create, message) => {
    expect(create).toThrow(TypeError);
    expect(create).toThrow(message);
  });

  it("builds without any secret (next build without env)", () => {
    expect(() =>
      createWebhookRoute({ ...validOptions(), stripe: { webhookSecret: undefined, secretKey: undefined } }),
    ).not.toThrow();
  });

  it("reports the key's mode on every entry, 405 included", async () => {
    const live = setup({ stripe: { secretKey: "sk_live_abc" } });
    await live.post("", {}, "GET");
    expect(live.lastEntry()).toMatchObject({ status: 405, stripeMode: "live" });
    const none = setup({ stripe: { secretKey: undefined } });
    await none.post("", {}, "GET");
    expect(none.lastEntry().stripeMode).toBeUndefined();
  });
});
