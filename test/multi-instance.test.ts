import { expect, it } from "vitest";
import { createClerkWebhookRoute, createWebhookRoute } from "../src/index.js";
import {
  createRedisIdempotencyStore,
  createRedisRateLimitStore,
  fromIoredis,
  fromNodeRedis,
  type RedisLike,
} from "../src/security.js";
import { clerkEvent, signStripePayload, signSvixPayload, stripeEvent } from "../src/testing.js";
import { describeRedis, useRedis } from "./support/redis.js";

const STRIPE_SECRET = "whsec_multi_instance";
const CLERK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DELIVERIES = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface InstanceOptions {
  prefix: string;
  leaseMs?: number;
  rateLimit?: { limit: number; windowMs: number };
  /** Runs inside the event handler, after the call is recorded. */
  work?: () => Promise<unknown>;
}

/** One "process": its own route, store objects and client, sharing only the Redis server. */
function stripeInstance(redis: RedisLike, calls: string[], options: InstanceOptions) {
  const handler = createWebhookRoute({
    findUserByCustomerId: async () => null,
    upsertSubscription: async () => {},
    updateSubscriptionStatus: async () => {},
    stripe: { webhookSecret: STRIPE_SECRET },
    audit: false,
    idempotency: { store: createRedisIdempotencyStore(redis, { prefix: options.prefix }), leaseMs: options.leaseMs },
    rateLimit: options.rateLimit && {
      ...options.rateLimit,
      store: createRedisRateLimitStore(redis, { prefix: options.prefix }),
    },
    on: {
      "invoice.paid": async (_invoice, ctx) => {
        calls.push(ctx.eventId);
        await (options.work ?? (() => sleep(50)))();
      },
    },
  });
  return async (body: string) =>
    handler(
      new Request("https://app.example/api/webhooks/stripe", {
        method: "POST",
        body,
        headers: { "x-forwarded-for": "203.0.113.7", ...(await signStripePayload(body, STRIPE_SECRET)) },
      }),
    );
}

const invoicePaid = () => JSON.stringify(stripeEvent("invoice.paid", { id: "in_1", object: "invoice" }));
const countOf = (values: string[], value: string) => values.filter((v) => v === value).length;

describeRedis("two instances sharing one Redis", () => {
  const redis = useRedis();
  const pair = (options: InstanceOptions, calls: string[] = []) => ({
    calls,
    a: stripeInstance(fromIoredis(redis.ioredis), calls, options),
    b: stripeInstance(fromNodeRedis(redis.nodeRedis), calls, options),
  });

  it(`${DELIVERIES} concurrent deliveries of each event, split between them → one handler call per event`, async () => {
    const { a, b, calls } = pair({ prefix: redis.prefix() });
    const events = [invoicePaid(), invoicePaid(), invoicePaid()];
    const deliveries = events.flatMap((body) =>
      Array.from({ length: DELIVERIES }, (_, i) => (i % 2 === 0 ? a : b)(body).then(async (r) => ({ body, r }))),
    );
    const responses = await Promise.all(deliveries);

    for (const body of events) {
      const id = JSON.parse(body).id as string;
      expect(countOf(calls, id)).toBe(1);
      const outcomes = await Promise.all(
        responses
          .filter((d) => d.body === body)
          .map(async ({ r }) => `${r.status} ${JSON.stringify(await r.json()).includes("duplicate") ? "dup" : ""}`),
      );
      expect(countOf(outcomes, "200 ")).toBe(1);
      // Every other delivery was either still in flight (409, Stripe retries) or already done.
      expect(countOf(outcomes, "409 ") + countOf(outcomes, "200 dup")).toBe(DELIVERIES - 1);
    }
    for (const send of [a, b]) {
      for (const body of events) expect(await (await send(body)).json()).toEqual({ received: true, duplicate: true });
    }
    expect(calls).toHaveLength(events.length);
  });

  it("an instance that dies holding a claim blocks the event only until the lease expires", async () => {
    const leaseMs = 300;
    const calls: string[] = [];
    let entered: () => void = () => {};
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const prefix = redis.prefix();
    // Instance A never finishes: its process is gone with the claim still in Redis.
    const dying = stripeInstance(fromIoredis(redis.ioredis), calls, {
      prefix,
      leaseMs,
      work: () => {
        entered();
        return new Promise(() => {});
      },
    });
    const b = stripeInstance(fromNodeRedis(redis.nodeRedis), calls, { prefix, leaseMs });
    const body = invoicePaid();
    void dying(body);
    await inside;
    const started = Date.now();

    const blocked = await b(body);
    expect(blocked.status).toBe(409);
    expect(await blocked.json()).toMatchObject({ code: "EVENT_IN_FLIGHT" });

    await sleep(leaseMs - (Date.now() - started) + 50);
    const retried = await b(body);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ received: true });
    expect(await (await b(body)).json()).toEqual({ received: true, duplicate: true });
    expect(calls).toHaveLength(2); // the dead instance's attempt, then B's
  });

  it("a rate limit of N per window holds across both instances", async () => {
    const limit = 10;
    const { a, b } = pair({ prefix: redis.prefix(), rateLimit: { limit, windowMs: 60_000 } });
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b)(invoicePaid())));
    const limited = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(limit);
    expect(limited).toHaveLength(30 - limit);
    for (const r of limited) {
      expect(await r.json()).toMatchObject({ code: "RATE_LIMITED" });
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(59);
      expect(r.headers.get("ratelimit-remaining")).toBe("0");
    }
    const remaining = responses
      .filter((r) => r.status === 200)
      .map((r) => Number(r.headers.get("ratelimit-remaining")));
    expect(remaining.sort((x, y) => x - y)).toEqual(Array.from({ length: limit }, (_, i) => i));
  });

  it(`Clerk: ${DELIVERIES} concurrent deliveries of one svix message to two instances → one handler call`, async () => {
    const prefix = redis.prefix();
    const calls: string[] = [];
    const instance = (client: RedisLike) =>
      createClerkWebhookRoute({
        secret: CLERK_SECRET,
        audit: false,
        idempotency: { store: createRedisIdempotencyStore(client, { prefix }) },
        on: {
          "user.created": async (_user, ctx) => {
            calls.push(ctx.eventId);
            await sleep(50);
          },
        },
      });
    const [a, b] = [instance(fromIoredis(redis.ioredis)), instance(fromNodeRedis(redis.nodeRedis))];
    const body = JSON.stringify(clerkEvent("user.created"));
    const headers = await signSvixPayload(body, CLERK_SECRET, { id: "msg_multi_instance" });
    const responses = await Promise.all(
      Array.from({ length: DELIVERIES }, (_, i) =>
        (i % 2 === 0 ? a : b)(new Request("https://app.example/api/webhooks/clerk", { method: "POST", body, headers })),
      ),
    );
    expect(calls).toEqual(["msg_multi_instance"]);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(
      DELIVERIES - responses.filter((r) => r.status === 409).length,
    );
    expect(responses.every((r) => r.status === 200 || r.status === 409)).toBe(true);
  });
});
