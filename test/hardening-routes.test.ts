import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type AuditEntry,
  createCheckoutRoute,
  createPortalRoute,
  createSubscriptionStatusRoute,
  type Handler,
} from "../src/index.js";
import { toNodeHandler } from "../src/node.js";
import { createMemoryAdapter } from "../src/testing.js";
import { useStripeApi } from "./support/stripe-api.js";

const stripeApi = useStripeApi();
const APP = "https://app.example";
const stripe = (origin = APP) => ({
  secretKey: "sk_test_hardening",
  priceId: "price_pro",
  successUrl: `${origin}/done?session_id={CHECKOUT_SESSION_ID}`,
  cancelUrl: `${origin}/pricing`,
});

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** The same route through both entry points: the Web handler, and tollgate/node over a real socket. */
async function entries(
  route: Handler,
): Promise<Record<"web" | "node", (path: string, init?: RequestInit) => Promise<Response>>> {
  const server = createServer(toNodeHandler(route));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    web: (path, init) => route(new Request(`${APP}${path}`, init)),
    node: (path, init) => fetch(`${base}${path}`, init),
  };
}

const json = (body: unknown, ip = "203.0.113.10") => ({
  method: "POST",
  headers: { "content-type": "application/json", "x-forwarded-for": ip },
  body: JSON.stringify(body),
});

describe("routes without auth get a default per-IP limit", () => {
  it.each([
    ["status", () => createSubscriptionStatusRoute({ ...createMemoryAdapter(), audit: false }), "GET"],
    ["checkout", () => createCheckoutRoute({ ...createMemoryAdapter(), audit: false, stripe: stripe() }), "POST"],
  ] as const)("%s: 30 a minute per source IP, then 429; another IP is unaffected", async (_name, make, method) => {
    const route = make();
    const request = (ip?: string) =>
      route(
        new Request(`${APP}/x?email=not-an-email`, {
          method,
          headers: ip === undefined ? {} : { "x-forwarded-for": ip },
          ...(method === "POST" ? { body: "{}" } : {}),
        }),
      );
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await request("198.51.100.1")).status);
    expect(statuses.slice(0, 30).every((status) => status !== 429)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect((await request("198.51.100.2")).status).not.toBe(429);
    // No source IP: one bucket for every such client would let one lock out all, so no default limit.
    for (let i = 0; i < 35; i++) expect((await request()).status).not.toBe(429);
  });

  it.each([
    ["rateLimit: false", { rateLimit: false as const }],
    ["an auth resolver", { auth: () => "ada@example.com" }],
  ])("no default limit with %s", async (_case, options) => {
    const route = createSubscriptionStatusRoute({ ...createMemoryAdapter(), audit: false, ...options });
    for (let i = 0; i < 40; i++) {
      const response = await route(
        new Request(`${APP}/x?email=ada@example.com`, { headers: { "x-forwarded-for": "198.51.100.3" } }),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBeNull();
    }
  });

  it("the factory says once, on the console, that the route has no auth", async () => {
    vi.resetModules();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const fresh = await import("../src/index.js");
    fresh.createSubscriptionStatusRoute({ ...createMemoryAdapter() });
    fresh.createSubscriptionStatusRoute({ ...createMemoryAdapter(), rateLimit: false });
    fresh.createSubscriptionStatusRoute({ ...createMemoryAdapter(), auth: () => null });
    fresh.createCheckoutRoute({ ...createMemoryAdapter(), stripe: stripe() });
    const notices = warn.mock.calls.map(([line]) => String(line));
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(/createSubscriptionStatusRoute has no auth/);
    expect(notices[0]).toMatch(/30 requests a minute/);
    expect(notices[1]).toMatch(/createCheckoutRoute has no auth/);
  });
});

describe("checkout and portal answers are never cached", () => {
  const checkout = () =>
    createCheckoutRoute({
      ...createMemoryAdapter(),
      audit: false,
      rateLimit: { limit: 2, windowMs: 60_000 },
      stripe: stripe(),
    });
  const portal = () => {
    const db = createMemoryAdapter();
    db.seedUser({ email: "ada@example.com", stripeCustomerId: "cus_1" });
    db.seedUser({ email: "bob@example.com" });
    return createPortalRoute({
      ...db,
      audit: false,
      rateLimit: { limit: 3, windowMs: 60_000 },
      auth: (request) => request.headers.get("x-user"),
      stripe: { secretKey: "sk_test_hardening", returnUrl: `${APP}/account` },
    });
  };

  it.each(["web", "node"] as const)(
    "checkout through %s: 200, 400, 405, 415 and 429 all carry no-store",
    async (entry) => {
      const send = (await entries(checkout()))[entry];
      const answers = [
        await send("/checkout", json({ email: "ada@example.com" }, "203.0.113.20")),
        await send("/checkout", json({ email: "nope" }, "203.0.113.20")),
        await send("/checkout", json({ email: "nope" }, "203.0.113.20")),
        await send("/checkout", { method: "GET" }),
        await send("/checkout", { method: "POST", body: "x", headers: { "x-forwarded-for": "203.0.113.21" } }),
      ];
      expect(answers.map((answer) => answer.status)).toEqual([200, 400, 429, 405, 415]);
      for (const answer of answers) expect(answer.headers.get("cache-control")).toBe("no-store");
    },
  );

  it.each(["web", "node"] as const)("portal through %s: 200, 401, 404 and 429 all carry no-store", async (entry) => {
    const send = (await entries(portal()))[entry];
    const as = (user?: string) => ({
      method: "POST",
      headers: { "x-forwarded-for": "203.0.113.30", ...(user ? { "x-user": user } : {}) },
    });
    const answers = [
      await send("/portal", as("ada@example.com")),
      await send("/portal", as()),
      await send("/portal", as("bob@example.com")),
      await send("/portal", as("ada@example.com")),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 404, 429]);
    for (const answer of answers) expect(answer.headers.get("cache-control")).toBe("no-store");
  });
});

describe("Stripe idempotency keys are namespaced", () => {
  async function firstCheckout(options: { origin?: string; namespace?: string; email?: string } = {}) {
    const db = createMemoryAdapter();
    const route = createCheckoutRoute({
      ...db,
      audit: false,
      rateLimit: false,
      stripe: { ...stripe(options.origin), idempotencyNamespace: options.namespace },
    });
    const before = stripeApi.calls.length;
    const response = await route(new Request(`${APP}/checkout`, json({ email: options.email ?? "ada@example.com" })));
    expect(response.status).toBe(200);
    const calls = stripeApi.calls.slice(before);
    return {
      userId: db.users()[0]?.id,
      customer: calls.find((call) => call.path === "/v1/customers")?.idempotencyKey,
      session: calls.find((call) => call.path === "/v1/checkout/sessions")?.idempotencyKey,
    };
  }

  it.each([
    [
      "two apps on one Stripe account (different success URL origins)",
      { origin: "https://a.example" },
      { origin: "https://b.example" },
    ],
    ["two databases of one app (explicit namespaces)", { namespace: "db-1" }, { namespace: "db-2" }],
    [
      "a reset database that hands out the same user id to another email",
      { email: "ada@example.com" },
      { email: "eve@example.com" },
    ],
  ])("%s never share a customer or session key", async (_case, first, second) => {
    const a = await firstCheckout(first);
    const b = await firstCheckout(second);
    expect(a.userId).toBe(b.userId);
    expect(a.customer).toMatch(/^tollgate-customer-[0-9a-f]{64}$/);
    expect(a.customer).not.toBe(b.customer);
    expect(a.session).not.toBe(b.session);
    expect(a.customer).not.toContain(String(a.userId));
  });

  it("one user of one app keeps one key: concurrent first checkouts create one customer", async () => {
    const route = createCheckoutRoute({ ...createMemoryAdapter(), audit: false, rateLimit: false, stripe: stripe() });
    const answers = await Promise.all(
      [1, 2, 3].map(() => route(new Request(`${APP}/checkout`, json({ email: "ada@example.com" })))),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(stripeApi.callsTo("/v1/customers")).toHaveLength(1);
  });

  it.each([[""], [42]])("refuses idempotencyNamespace %j at creation", (value) => {
    expect(() =>
      createCheckoutRoute({
        ...createMemoryAdapter(),
        stripe: { ...stripe(), idempotencyNamespace: value as string },
      }),
    ).toThrow(TypeError);
  });
});

describe("onError through the routes, on both entry points", () => {
  it.each(["web", "node"] as const)(
    "%s: an adapter that throws reaches onError with the audit entry's route, and nothing is printed",
    async (entry) => {
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      const onError = vi.fn();
      const audit: AuditEntry[] = [];
      const failure = new Error("connect ECONNREFUSED postgres://app:hunter2@db");
      const route = createSubscriptionStatusRoute({
        findUserWithSubscription: () => Promise.reject(failure),
        audit: (line) => void audit.push(line as AuditEntry),
        rateLimit: false,
        onError,
      });
      const response = await (await entries(route))[entry]("/status?email=ada@example.com");
      const body = await response.json();
      expect(response.status).toBe(500);
      expect(onError).toHaveBeenCalledWith(failure, {
        requestId: body.requestId,
        route: "subscription-status",
        code: "INTERNAL_ERROR",
      });
      expect(audit[0]?.route).toBe("subscription-status");
      expect(errors).not.toHaveBeenCalled();
    },
  );
});
