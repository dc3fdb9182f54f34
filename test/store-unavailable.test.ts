import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { createWebhookRoute } from "../src/index.js";
import {
  allowMethods,
  audit,
  bodyLimit,
  compose,
  createMemoryIdempotencyStore,
  createRedisIdempotencyStore,
  createRedisRateLimitStore,
  eventPayload,
  fromIoredis,
  type IdempotencyStore,
  type IoredisLike,
  idempotency,
  layeredIdempotencyStore,
  type RateLimitStore,
  rateLimit,
  stripeSignature,
  timestampWindow,
} from "../src/security.js";
import { signStripePayload, stripeEvent } from "../src/testing.js";

const SECRET = "whsec_store_unavailable";
const UPSTREAM = "connect ECONNREFUSED 10.0.0.5:6379";

/** A client whose every call fails the way a client fails when Redis is unreachable. */
const throwing: IoredisLike = {
  eval: () => Promise.reject(new Error(UPSTREAM)),
  evalsha: () => Promise.reject(new Error(UPSTREAM)),
};

function pipeline(stores: { idempotency?: IdempotencyStore; rateLimit?: RateLimitStore }) {
  const endpoint = vi.fn(() => Response.json({ received: true }));
  const handler = compose(
    [
      audit({ sink: false }),
      allowMethods(["POST"]),
      ...(stores.rateLimit ? [rateLimit({ limit: 100, windowMs: 60_000, store: stores.rateLimit })] : []),
      bodyLimit(),
      stripeSignature({ secret: SECRET }),
      timestampWindow(),
      eventPayload({
        parse: (value) => {
          const event = value as { id: string; type: string };
          return { event, type: event.type, id: event.id, idempotencyKey: `stripe:${event.id}` };
        },
      }),
      ...(stores.idempotency ? [idempotency({ store: stores.idempotency })] : []),
    ],
    endpoint,
  );
  return { handler, endpoint };
}

async function deliver(handler: (request: Request) => Promise<Response>) {
  const body = JSON.stringify(stripeEvent("invoice.paid", { id: "in_1" }));
  const headers = await signStripePayload(body, SECRET);
  return handler(new Request("https://app.example/webhook", { method: "POST", body, headers }));
}

async function expectUnavailable(response: Response) {
  const text = await response.text();
  expect(response.status).toBe(503);
  expect(JSON.parse(text)).toMatchObject({
    code: "STORE_UNAVAILABLE",
    requestId: response.headers.get("x-request-id"),
  });
  expect(text).not.toContain("ECONNREFUSED");
  expect(text).not.toContain("10.0.0.5");
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("an unreachable store fails closed: 503 STORE_UNAVAILABLE, and the sender retries", () => {
  it.each([
    ["the Redis idempotency store", () => ({ idempotency: createRedisIdempotencyStore(fromIoredis(throwing)) })],
    ["the Redis rate-limit store", () => ({ rateLimit: createRedisRateLimitStore(fromIoredis(throwing)) })],
    [
      "a layered store whose durable Redis store fails",
      () => ({
        idempotency: layeredIdempotencyStore(
          createMemoryIdempotencyStore(),
          createRedisIdempotencyStore(fromIoredis(throwing)),
        ),
      }),
    ],
  ])("%s throws → 503, the endpoint never runs", async (_, stores) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { handler, endpoint } = pipeline(stores());
    await expectUnavailable(await deliver(handler));
    expect(endpoint).not.toHaveBeenCalled();
  });

  it("createWebhookRoute with a failing Redis store → 503, no adapter call", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const paid = vi.fn();
    const handler = createWebhookRoute({
      findUserByCustomerId: async () => null,
      upsertSubscription: async () => {},
      updateSubscriptionStatus: async () => {},
      stripe: { webhookSecret: SECRET },
      audit: false,
      idempotency: { store: createRedisIdempotencyStore(fromIoredis(throwing)) },
      on: { "invoice.paid": paid },
    });
    await expectUnavailable(await deliver(handler));
    expect(paid).not.toHaveBeenCalled();
  });

  it("a Redis that never answers → 503 once the 5 s store timeout passes", async () => {
    // Only Date is faked: the store-timeout sweep keeps running on real timers and reads the clock.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const hanging: IoredisLike = { eval: () => new Promise(() => {}) };
    const { handler, endpoint } = pipeline({ idempotency: createRedisIdempotencyStore(fromIoredis(hanging)) });
    let settled = false;
    const pending = deliver(handler).finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 600)); // two sweeps, deadline not reached
    expect(settled).toBe(false);
    vi.setSystemTime(Date.now() + 5_000);
    await expectUnavailable(await pending);
    expect(endpoint).not.toHaveBeenCalled();
  });

  describe("a real ioredis client with no server behind it", () => {
    // Port 1 on loopback: nothing listens. No offline queue, no reconnects: calls fail at once.
    const client = new Redis({ host: "127.0.0.1", port: 1, lazyConnect: true, enableOfflineQueue: false });
    client.on("error", () => {});
    afterAll(() => client.disconnect());

    it("→ 503 for idempotency and rate limits", async () => {
      vi.spyOn(console, "error").mockImplementation(() => {});
      const redis = fromIoredis(client);
      for (const stores of [
        { idempotency: createRedisIdempotencyStore(redis) },
        { rateLimit: createRedisRateLimitStore(redis) },
      ]) {
        const { handler, endpoint } = pipeline(stores);
        const response = await deliver(handler);
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ code: "STORE_UNAVAILABLE" });
        expect(endpoint).not.toHaveBeenCalled();
      }
    });
  });
});
