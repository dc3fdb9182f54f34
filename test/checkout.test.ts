import { afterEach, describe, expect, it, vi } from "vitest";
import { type AuditEntry, type CheckoutRouteOptions, createCheckoutRoute } from "../src/index.js";
import { createMemoryAdapter } from "../src/testing.js";
import { useStripeApi } from "./support/stripe-api.js";

/** An `auth` resolver answering as a session would. */
const session = (email: string | null) => async (): Promise<string | null> => email;

const stripeApi = useStripeApi();
const APP = "https://app.example";
const SUCCESS = `${APP}/dashboard?session_id={CHECKOUT_SESSION_ID}`;

function setup(overrides: Partial<CheckoutRouteOptions> = {}) {
  const db = createMemoryAdapter();
  const entries: AuditEntry[] = [];
  const handler = createCheckoutRoute({
    ...db,
    audit: (entry) => void entries.push(entry as AuditEntry),
    ...overrides,
    stripe: {
      secretKey: "sk_test_checkout",
      priceId: "price_pro",
      successUrl: SUCCESS,
      cancelUrl: `${APP}/pricing`,
      ...overrides.stripe,
    },
  });
  const post = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
    handler(
      new Request(`${APP}/api/checkout`, {
        method: "POST",
        headers,
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  return { db, entries, handler, post };
}

const sessions = () => stripeApi.callsTo("/v1/checkout/sessions");
const customers = () => stripeApi.callsTo("/v1/customers");

afterEach(() => vi.useRealTimers());

describe("createCheckoutRoute: the happy paths", () => {
  it("creates the user, one Stripe customer and a subscription session for a new email", async () => {
    const { post, db, entries } = setup();
    const response = await post({ email: "  Ada@Example.com " });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: "https://checkout.stripe.com/c/pay/cs_test_1" });
    expect(db.users()).toEqual([expect.objectContaining({ email: "ada@example.com", stripeCustomerId: "cus_test_1" })]);
    const [customer] = customers();
    expect(customer?.idempotencyKey).toMatch(/^tollgate-customer-[0-9a-f]{64}$/);
    expect(customer?.params.get("metadata[userId]")).toBe(db.users()[0]?.id);
    const [session] = sessions();
    expect(session?.idempotencyKey).toMatch(/^tollgate-checkout-[0-9a-f]{64}$/);
    expect(Object.fromEntries(session?.params ?? [])).toMatchObject({
      mode: "subscription",
      customer: "cus_test_1",
      "line_items[0][price]": "price_pro",
      "line_items[0][quantity]": "1",
      client_reference_id: "user_1",
      "metadata[userId]": "user_1",
      "subscription_data[metadata][userId]": "user_1",
      success_url: SUCCESS,
      cancel_url: `${APP}/pricing`,
    });
    expect(entries.at(-1)).toMatchObject({
      route: "checkout",
      status: 200,
      stripeMode: "test",
      email: "ad***@example.com",
      mutations: ["createUser", "updateUser"],
    });
  });

  it("creates a customer for an existing user who has none, without creating the user again", async () => {
    const { post, db } = setup();
    db.seedUser({ id: "user_9", email: "bo@example.com" });
    expect((await post({ email: "bo@example.com" })).status).toBe(200);
    expect(db.callsOf("createUser")).toHaveLength(0);
    expect(db.callsOf("updateUser")).toEqual([["user_9", { stripeCustomerId: "cus_test_1" }]]);
  });

  it("reuses an existing customer without calling customers.create", async () => {
    const { post, db } = setup();
    db.seedUser({ id: "user_9", email: "bo@example.com", stripeCustomerId: "cus_existing" });
    expect((await post({ email: "bo@example.com" })).status).toBe(200);
    expect(customers()).toHaveLength(0);
    expect(sessions()[0]?.params.get("customer")).toBe("cus_existing");
  });

  it("creates one customer for concurrent first checkouts of one user", async () => {
    const { post, db } = setup();
    db.seedUser({ id: "user_9", email: "bo@example.com" });
    const responses = await Promise.all(Array.from({ length: 5 }, () => post({ email: "bo@example.com" })));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(customers()).toHaveLength(1);
    expect(db.users()[0]?.stripeCustomerId).toBe("cus_test_1");
  });

  it("re-reads the user when createUser loses a unique-email race", async () => {
    const db = createMemoryAdapter();
    const { post } = setup({
      ...db,
      createUser: async (email) => {
        db.seedUser({ id: "user_winner", email }); // another request inserted first…
        return db.createUser(email); // …so this insert hits the unique index
      },
    });
    const response = await post({ email: "race@example.com" });
    expect(response.status).toBe(200);
    expect(sessions()[0]?.params.get("client_reference_id")).toBe("user_winner");
  });

  it("returns the same session for a double submit within the same minute, a new one the next minute", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2026, 10, 23, 10, 0, 5));
    const { post } = setup();
    const first = await (await post({ email: "ada@example.com" })).json();
    vi.setSystemTime(Date.UTC(2026, 10, 23, 10, 0, 50));
    const second = await (await post({ email: "ada@example.com" })).json();
    vi.setSystemTime(Date.UTC(2026, 10, 23, 10, 1, 1));
    const third = await (await post({ email: "ada@example.com" })).json();
    expect(second).toEqual(first);
    expect(third).not.toEqual(first);
    const keys = sessions().map((call) => call.idempotencyKey);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });
});

describe("createCheckoutRoute: identity", () => {
  it.each([
    ["no session", session(null), { email: "ada@example.com" }, 401, "UNAUTHORIZED"],
    ["another email", session("ada@example.com"), { email: "eve@example.com" }, 403, "FORBIDDEN"],
    ["the same email, other case", session("ada@example.com"), { email: "ADA@example.com" }, 200, undefined],
    ["no body email", session("ada@example.com"), {}, 200, undefined],
  ] as const)("with auth and %s → %i", async (_name, auth, body, status, code) => {
    const { post, db } = setup({ auth });
    const response = await post(body);
    expect(response.status).toBe(status);
    if (code) {
      expect(await response.json()).toMatchObject({ code });
      expect(db.users()).toHaveLength(0);
      expect(sessions()).toHaveLength(0);
    }
  });
});

describe("createCheckoutRoute: refused input changes nothing", () => {
  it.each([
    ["a missing email", {}],
    ["an empty email", { email: "" }],
    ["a number", { email: 42 }],
    ["no at sign", { email: "ada.example.com" }],
    ["no domain", { email: "ada@" }],
    ["a space inside", { email: "a da@example.com" }],
    ["two at signs", { email: "a@b@example.com" }],
    ["255 characters", { email: `${"a".repeat(243)}@example.com` }],
  ])("400 VALIDATION_ERROR for %s", async (_name, body) => {
    const { post, db } = setup();
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR", details: { email: [expect.any(String)] } });
    expect(db.calls).toHaveLength(0);
    expect(stripeApi.calls).toHaveLength(0);
  });

  it("accepts an address of exactly 254 characters", async () => {
    const { post } = setup();
    expect((await post({ email: `${"a".repeat(242)}@example.com` })).status).toBe(200);
  });

  it.each([
    ["malformed JSON", "{nope", { "content-type": "application/json" }, 400, "VALIDATION_ERROR"],
    ["a JSON array", "[]", { "content-type": "application/json" }, 400, "VALIDATION_ERROR"],
    ["JSON null", "null", { "content-type": "application/json" }, 400, "VALIDATION_ERROR"],
    [
      "form data",
      "email=a%40b.c",
      { "content-type": "application/x-www-form-urlencoded" },
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    ["no content type", '{"email":"ada@example.com"}', {}, 415, "UNSUPPORTED_MEDIA_TYPE"],
    [
      "a body over 16 KiB",
      JSON.stringify({ email: "ada@example.com", pad: "x".repeat(17_000) }),
      { "content-type": "application/json" },
      413,
      "PAYLOAD_TOO_LARGE",
    ],
  ] as const)("%s → %i %s", async (_name, body, headers, status, code) => {
    const { post, db } = setup();
    const response = await post(body, headers);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code });
    expect(db.calls).toHaveLength(0);
  });

  it("answers 405 with Allow to a GET", async () => {
    const { handler } = setup();
    const response = await handler(new Request(`${APP}/api/checkout`));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it.each([
    ["no price", { priceId: undefined }],
    ["no success URL", { successUrl: "" }],
    ["a relative success URL", { successUrl: "/dashboard" }],
    ["no cancel URL", { cancelUrl: undefined }],
    ["no secret key", { secretKey: undefined }],
    ["a malformed secret key", { secretKey: "pk_test_public" }],
  ])("500 CONFIGURATION_ERROR with %s, before anything is written", async (_name, stripe) => {
    const { post, db } = setup({ stripe: stripe as CheckoutRouteOptions["stripe"] });
    const response = await post({ email: "ada@example.com" });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "CONFIGURATION_ERROR" });
    expect(db.calls).toHaveLength(0);
  });

  it("refuses a second subscription with 409 ALREADY_SUBSCRIBED when a lookup is configured", async () => {
    const { post, db } = setup({
      findUserWithSubscription: async (email) => ({
        id: "u",
        email,
        subscription: { status: "trialing", currentPeriodEnd: null },
      }),
    });
    const response = await post({ email: "ada@example.com" });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: "ALREADY_SUBSCRIBED" });
    expect(db.callsOf("createUser")).toHaveLength(0);
    expect(sessions()).toHaveLength(0);
  });

  it("lets a canceled subscriber check out again", async () => {
    const { post } = setup({
      findUserWithSubscription: async (email) => ({
        id: "u",
        email,
        subscription: { status: "canceled", currentPeriodEnd: null },
      }),
    });
    expect((await post({ email: "ada@example.com" })).status).toBe(200);
  });

  it.each([
    ["customers", "/v1/customers", 400, "No such price: secret_internal_detail"],
    ["checkout sessions", "/v1/checkout/sessions", 400, "No such price: secret_internal_detail"],
    ["checkout sessions", "/v1/checkout/sessions", 500, "secret_internal_detail"],
  ])(
    "answers 502 UPSTREAM_ERROR when Stripe's %s API (%s) fails with %i, without its message",
    async (_name, path, status, message) => {
      const { post } = setup();
      stripeApi.fail(path, status, message);
      const response = await post({ email: "ada@example.com" });
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ code: "UPSTREAM_ERROR" });
      expect(text).not.toContain("secret_internal_detail");
    },
  );

  it("answers 500 INTERNAL_ERROR when the adapter throws, without its message", async () => {
    const { post, db } = setup();
    db.failNext("findUserByEmail", new Error("password=hunter2"));
    const response = await post({ email: "ada@example.com" });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: "INTERNAL_ERROR" });
    expect(text).not.toContain("hunter2");
  });
});

describe("createCheckoutRoute: callback URLs", () => {
  it("carries a valid callback URL into the success URL, encoded, with Stripe's placeholder intact", async () => {
    const { post } = setup();
    expect((await post({ email: "ada@example.com", callbackUrl: "/settings?tab=billing" })).status).toBe(200);
    expect(sessions()[0]?.params.get("success_url")).toBe(`${SUCCESS}&callbackUrl=%2Fsettings%3Ftab%3Dbilling`);
  });

  it.each([["//evil.com"], ["https://evil.com"], ["javascript:alert(1)"], ["/%2F%2Fevil.com"]])(
    "refuses %s with 400 before anything is written",
    async (callbackUrl) => {
      const { post, db } = setup();
      const response = await post({ email: "ada@example.com", callbackUrl });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: "VALIDATION_ERROR",
        details: { callbackUrl: [expect.any(String)] },
      });
      expect(db.calls).toHaveLength(0);
      expect(stripeApi.calls).toHaveLength(0);
    },
  );

  it.each([[null], [""]])("treats a callback URL of %j as absent", async (callbackUrl) => {
    const { post } = setup();
    expect((await post({ email: "ada@example.com", callbackUrl })).status).toBe(200);
    expect(sessions()[0]?.params.get("success_url")).toBe(SUCCESS);
  });
});
