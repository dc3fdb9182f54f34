import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { compose } from "../http/compose.js";
import { createMemoryRateLimitStore } from "../stores/memory-rate-limit.js";
import type { RateLimitStore } from "../stores/types.js";
import { type RateLimitOptions, rateLimit } from "./rate-limit.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(async () => {
  // Let the store-timeout sweeper see its queue empty while its (fake) interval still exists.
  await vi.runOnlyPendingTimersAsync();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function route(options: Partial<RateLimitOptions> = {}, name = "limited") {
  const endpoint = vi.fn(() => Response.json({ ok: true }));
  const handler = compose([rateLimit({ limit: 3, windowMs: 60_000, ...options })], endpoint, { route: name });
  return { handler, endpoint };
}

const from = (ip?: string, headers: Record<string, string> = {}) =>
  new Request("https://app.example/x", {
    method: "POST",
    headers: { ...(ip === undefined ? {} : { "x-forwarded-for": ip }), ...headers },
  });

const limitHeaders = (response: Response) => ({
  status: response.status,
  limit: response.headers.get("ratelimit-limit"),
  remaining: response.headers.get("ratelimit-remaining"),
  reset: response.headers.get("ratelimit-reset"),
  retryAfter: response.headers.get("retry-after"),
});

describe("rateLimit", () => {
  it("counts down, refuses the request over the limit, and starts afresh with the next window", async () => {
    const { handler, endpoint } = route();
    const seen = [];
    // [ms to advance before the request] → what the response says
    for (const advance of [0, 0, 0, 0, 30_000, 29_999, 1]) {
      vi.advanceTimersByTime(advance);
      seen.push(limitHeaders(await handler(from("203.0.113.1"))));
    }
    expect(seen).toEqual([
      { status: 200, limit: "3", remaining: "2", reset: "60", retryAfter: null },
      { status: 200, limit: "3", remaining: "1", reset: "60", retryAfter: null },
      { status: 200, limit: "3", remaining: "0", reset: "60", retryAfter: null },
      { status: 429, limit: "3", remaining: "0", reset: "60", retryAfter: "60" },
      { status: 429, limit: "3", remaining: "0", reset: "30", retryAfter: "30" },
      { status: 429, limit: "3", remaining: "0", reset: "1", retryAfter: "1" },
      { status: 200, limit: "3", remaining: "2", reset: "60", retryAfter: null },
    ]);
    expect(endpoint).toHaveBeenCalledTimes(4);
  });

  it("answers 429 with the contract's error body", async () => {
    const { handler } = route({ limit: 1 });
    await handler(from("203.0.113.1"));
    const response = await handler(from("203.0.113.1"));
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({
      error: "Too many requests; retry later.",
      code: "RATE_LIMITED",
      requestId: response.headers.get("x-request-id"),
    });
  });

  it.each([
    ["another IP has its own bucket", { ip: "203.0.113.2" }, 200],
    ["a forged first hop in front of the same address shares it", { ip: "6.6.6.6, 203.0.113.1" }, 429],
    ["a rotating forged first hop still shares it", { ip: "7.7.7.7, 8.8.8.8, 203.0.113.1" }, 429],
    ["a custom key decides the bucket", { ip: "203.0.113.1", tenant: "b", key: true }, 200],
    ["the same custom key shares it across IPs", { ip: "203.0.113.2", tenant: "a", key: true }, 429],
  ] as const)("%s", async (_case, next, status) => {
    const key = "key" in next ? (request: Request) => request.headers.get("x-tenant") ?? "none" : undefined;
    const { handler } = route({ limit: 1, ...(key ? { key } : {}) });
    await handler(from("203.0.113.1", { "x-tenant": "a" }));
    const response = await handler(from(next.ip, "tenant" in next ? { "x-tenant": next.tenant } : {}));
    expect(response.status).toBe(status);
  });

  it.each([
    ["another address of the same IPv6 /64 shares it", "2001:db8:1:2::1", "2001:db8:1:2:ffff:eeee:dddd:cccc", 429],
    ["an address of another /64 has its own bucket", "2001:db8:1:2::1", "2001:db8:1:3::1", 200],
    ["IPv4 addresses are not grouped", "203.0.113.1", "203.0.113.2", 200],
  ])("%s", async (_case, first, second, status) => {
    const { handler } = route({ limit: 1 });
    expect((await handler(from(first))).status).toBe(200);
    expect((await handler(from(second))).status).toBe(status);
  });

  it("skips requests without a source IP when told to (the default limit of routes without auth)", async () => {
    const endpoint = vi.fn(() => Response.json({ ok: true }));
    const handler = compose([rateLimit({ limit: 1, windowMs: 60_000 }, { skipUnknownSource: true })], endpoint);
    for (let i = 0; i < 3; i++) expect((await handler(from())).status).toBe(200);
    expect((await handler(from("203.0.113.1"))).status).toBe(200);
    expect((await handler(from("203.0.113.1"))).status).toBe(429);
  });

  it("puts requests without a source IP in one shared bucket", async () => {
    const { handler } = route({ limit: 1 });
    expect((await handler(from())).status).toBe(200);
    expect((await handler(from())).status).toBe(429);
  });

  it("keeps routes that share a store apart", async () => {
    const store = createMemoryRateLimitStore();
    const a = route({ limit: 1, store }, "a").handler;
    const b = route({ limit: 1, store }, "b").handler;
    expect((await a(from("203.0.113.1"))).status).toBe(200);
    expect((await b(from("203.0.113.1"))).status).toBe(200);
    expect((await a(from("203.0.113.1"))).status).toBe(429);
  });

  it.each([
    [
      "throws",
      (): Promise<never> => {
        throw new Error("redis down");
      },
    ],
    ["rejects", () => Promise.reject(new Error("redis down"))],
    ["never answers", () => new Promise<never>(() => {})],
  ])("fails closed with 503 STORE_UNAVAILABLE when the store %s", async (_case, hit) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { handler, endpoint } = route({ store: { hit } as RateLimitStore });
    const pending = handler(from("203.0.113.1"));
    await vi.advanceTimersByTimeAsync(5_250);
    const response = await pending;
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ code: "STORE_UNAVAILABLE" });
    expect(JSON.stringify(body)).not.toContain("redis down");
    expect(endpoint).not.toHaveBeenCalled();
  });

  it.each([
    [{ limit: 0, windowMs: 1000 }],
    [{ limit: 1.5, windowMs: 1000 }],
    [{ limit: "10", windowMs: 1000 }],
    [{ limit: 10, windowMs: 0 }],
    [{ limit: 10 }],
    [{ limit: 10, windowMs: 1000, key: "ip" }],
    [undefined],
  ])("refuses options %j with a TypeError", (options) => {
    expect(() => rateLimit(options as unknown as RateLimitOptions)).toThrow(TypeError);
  });
});
