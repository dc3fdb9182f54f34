import { describe, expect, it } from "vitest";
import { createSubscriptionStatusRoute, type SubscriptionStatusRouteOptions } from "../src/index.js";
import { createMemoryAdapter, stripeEvent } from "../src/testing.js";

/** An `auth` resolver answering as a session would. */
const session = (email: string | null) => async (): Promise<string | null> => email;

const END = new Date("2026-12-31T00:00:00.000Z");

function setup(status: string | null, overrides: Partial<SubscriptionStatusRouteOptions> = {}) {
  const db = createMemoryAdapter();
  const user = db.seedUser({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" });
  if (status !== null) {
    void db.upsertSubscription({
      id: "sub_1",
      userId: user.id,
      stripeCustomerId: "cus_1",
      status,
      priceId: "price_pro",
      currentPeriodEnd: END,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      eventCreatedAt: new Date(stripeEvent("x", {}).created * 1000),
    });
  }
  const handler = createSubscriptionStatusRoute({
    findUserWithSubscription: db.findUserWithSubscription,
    audit: false,
    ...overrides,
  });
  const get = (query: string, method = "GET") =>
    handler(new Request(`https://app.example/api/subscription/status${query}`, { method }));
  return { get, db };
}

describe("createSubscriptionStatusRoute", () => {
  it.each([
    ["active", true],
    ["trialing", true],
    ["past_due", false],
    ["canceled", false],
    ["incomplete", false],
    ["incomplete_expired", false],
    ["unpaid", false],
    ["paused", false],
  ])("answers %s with hasAccess %s under the default statuses", async (status, hasAccess) => {
    const response = await setup(status).get("?email=ada@example.com");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      hasAccess,
      status,
      currentPeriodEnd: END.toISOString(),
      cancelAtPeriodEnd: false,
    });
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it.each([
    ["active", false],
    ["past_due", true],
  ])("honours custom allowedStatuses: %s → %s", async (status, hasAccess) => {
    const response = await setup(status, { allowedStatuses: ["past_due"] }).get("?email=ada@example.com");
    expect(await response.json()).toMatchObject({ hasAccess, status });
  });

  it.each([
    ["an unknown user", "?email=nobody@example.com", null],
    ["a user without a subscription", "?email=ada@example.com", null],
  ])("answers %s with no access and no status", async (_name, query) => {
    const response = await setup(null).get(query);
    expect(await response.json()).toEqual({ hasAccess: false, status: null });
  });

  it("normalises the email and omits an unknown period end", async () => {
    const { db, get } = setup(null);
    await db.upsertSubscription({
      id: "sub_2",
      userId: "user_1",
      stripeCustomerId: "cus_1",
      status: "active",
      priceId: "p",
      currentPeriodEnd: null,
      cancelAtPeriodEnd: false,
      cancelAt: null,
      eventCreatedAt: new Date(),
    });
    expect(await (await get("?email=%20ADA@example.com%20")).json()).toEqual({
      hasAccess: true,
      status: "active",
      cancelAtPeriodEnd: false,
    });
  });

  it.each([
    ["no email", ""],
    ["an empty email", "?email="],
    ["an invalid email", "?email=not-an-email"],
  ])("refuses %s with 400 VALIDATION_ERROR, privately", async (_name, query) => {
    const response = await setup("active").get(query);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR", details: { email: [expect.any(String)] } });
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it.each([
    ["no session", session(null), "?email=ada@example.com", 401, "UNAUTHORIZED"],
    ["someone else's email", session("eve@example.com"), "?email=ada@example.com", 403, "FORBIDDEN"],
    ["the session's own email", session("ada@example.com"), "?email=ada@example.com", 200, undefined],
    ["no query email", session("ada@example.com"), "", 200, undefined],
  ] as const)("with auth and %s → %i", async (_name, auth, query, status, code) => {
    const response = await setup("active", { auth }).get(query);
    expect(response.status).toBe(status);
    if (code) expect(await response.json()).toMatchObject({ code });
    else expect(await response.json()).toMatchObject({ hasAccess: true });
  });

  it.each([
    ["an adapter without the fields", {}, {}],
    ["renewing", { cancelAtPeriodEnd: false, cancelAt: null }, { cancelAtPeriodEnd: false }],
    [
      "cancelling at the period end",
      { cancelAtPeriodEnd: true, cancelAt: END },
      { cancelAtPeriodEnd: true, cancelAt: END.toISOString() },
    ],
    ["an invalid date", { cancelAtPeriodEnd: false, cancelAt: new Date(Number.NaN) }, { cancelAtPeriodEnd: false }],
  ])("answers cancelAtPeriodEnd and cancelAt only as the adapter returns them: %s", async (_case, fields, expected) => {
    const handler = createSubscriptionStatusRoute({
      audit: false,
      findUserWithSubscription: async (email) => ({
        id: "user_1",
        email,
        subscription: { status: "active", currentPeriodEnd: END, ...fields },
      }),
    });
    const response = await handler(new Request("https://app.example/api/subscription/status?email=ada@example.com"));
    expect(await response.json()).toEqual({
      hasAccess: true,
      status: "active",
      currentPeriodEnd: END.toISOString(),
      ...expected,
    });
  });

  it("rate limits when configured", async () => {
    const { get } = setup("active", { rateLimit: { limit: 2, windowMs: 60_000 } });
    await get("?email=ada@example.com");
    await get("?email=ada@example.com");
    const limited = await get("?email=ada@example.com");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).not.toBeNull();
  });

  it("answers 405 to a POST and 500 INTERNAL_ERROR when the adapter throws", async () => {
    const { get, db } = setup("active");
    expect((await get("?email=ada@example.com", "POST")).headers.get("allow")).toBe("GET");
    db.failNext("findUserWithSubscription");
    expect(await (await get("?email=ada@example.com")).json()).toMatchObject({ code: "INTERNAL_ERROR" });
  });
});
