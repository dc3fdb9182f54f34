import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCheckoutRoute,
  createClerkWebhookRoute,
  createWebhookRoute,
  type SubscriptionData,
} from "../../src/index.js";
import { postgresStoreSchema } from "../../src/security.js";
import {
  clerkEvent,
  idempotencyStoreConformance,
  rateLimitStoreConformance,
  signStripePayload,
  signSvixPayload,
  stripeEvent,
} from "../../src/testing.js";
import { subscription } from "../support/stripe-webhook.js";
import { type Adapters, DATABASES, type TestDatabase } from "./example-databases.js";

const STRIPE_SECRET = "whsec_sql_multi_instance";
const CLERK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DELIVERIES = 50;

/** One "process" of the example app: its own client (pool), routes and store, sharing only the database. */
function instance(adapters: Adapters, calls: string[]) {
  const store = adapters.store();
  const stripe = createWebhookRoute({
    ...adapters.subscriptions,
    upsertSubscription: async (data: SubscriptionData) => {
      calls.push(data.id);
      await adapters.subscriptions.upsertSubscription(data);
    },
    stripe: { webhookSecret: STRIPE_SECRET },
    sync: "payload",
    audit: false,
    idempotency: { store, leaseMs: 60_000 },
  });
  const clerk = createClerkWebhookRoute({
    secret: CLERK_SECRET,
    audit: false,
    idempotency: { store },
    on: {
      "user.created": async (user, ctx) => {
        calls.push(ctx.eventId);
        await adapters.clerk["user.created"](user, ctx);
      },
    },
  });
  return {
    async stripe(body: string) {
      const headers = { "content-type": "application/json", ...(await signStripePayload(body, STRIPE_SECRET)) };
      return stripe(new Request("http://127.0.0.1/api/webhooks/stripe", { method: "POST", headers, body }));
    },
    async clerk(body: string, id: string) {
      const headers = await signSvixPayload(body, CLERK_SECRET, { id });
      return clerk(new Request("http://127.0.0.1/api/webhooks/clerk", { method: "POST", headers, body }));
    },
  };
}

const countOf = (values: string[], value: string) => values.filter((v) => v === value).length;

describe.each(DATABASES)("the examples' SQL stores: $name", ({ name, skip, open }) => {
  if (skip) {
    console.warn(`[tollgate] SQL stores, ${name}: ${skip}`);
    it.skip(skip, () => {});
    return;
  }

  let db: TestDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  // tollgate's PostgreSQL stores through the example's own hand-over, in real time, as the app runs them
  // (the database's clock; test/postgres-stores.test.ts moves that clock and covers every client).
  // 250 ms, not the default 100: room for a loaded machine (CI runs suites in parallel).
  const shortMs = 250;
  idempotencyStoreConformance("conformance", () => db.store(), { describe, it, expect, shortMs });
  rateLimitStoreConformance("rate limits: conformance", () => db.rateLimitStore(), { describe, it, expect, shortMs });

  describe("two instances sharing the database", () => {
    beforeAll(async () => {
      await db.reset();
      const user = await db.users.createUser("ada@example.com");
      await db.users.updateUser(user.id, { stripeCustomerId: "cus_1" });
    });

    it(`${DELIVERIES} concurrent deliveries of each Stripe event, split between them → one adapter call per event`, async () => {
      const calls: string[] = [];
      const [a, b] = [instance(db, calls), instance(db.instance(), calls)];
      const events = ["sub_a", "sub_b", "sub_c"].map((id) =>
        JSON.stringify(stripeEvent("customer.subscription.created", subscription({ id }))),
      );
      const deliveries = events.flatMap((body) =>
        Array.from({ length: DELIVERIES }, async (_, i) => {
          const response = await (i % 2 === 0 ? a : b).stripe(body);
          const answer = JSON.stringify(await response.json());
          return { body, outcome: `${response.status}${answer.includes("duplicate") ? " duplicate" : ""}` };
        }),
      );
      const results = await Promise.all(deliveries);
      for (const [index, body] of events.entries()) {
        const outcomes = results.filter((result) => result.body === body).map((result) => result.outcome);
        expect(countOf(outcomes, "200"), `event ${index}`).toBe(1);
        // Every other delivery was still in flight (409: Stripe retries) or already done.
        expect(countOf(outcomes, "409") + countOf(outcomes, "200 duplicate"), `event ${index}`).toBe(DELIVERIES - 1);
      }
      expect(calls.sort()).toEqual(["sub_a", "sub_b", "sub_c"]);
      expect(await db.query("SELECT id FROM subscriptions ORDER BY id")).toEqual([
        { id: "sub_a" },
        { id: "sub_b" },
        { id: "sub_c" },
      ]);
      for (const send of [a, b]) {
        expect(await (await send.stripe(events[0] as string)).json()).toEqual({ received: true, duplicate: true });
      }
    });

    it(`${DELIVERIES} concurrent deliveries of one Clerk signup → one handler call, one user with 20 credits`, async () => {
      const calls: string[] = [];
      const [a, b] = [instance(db, calls), instance(db.instance(), calls)];
      const body = JSON.stringify(
        clerkEvent("user.created", {
          id: "user_grace",
          primary_email_address_id: "idn_grace",
          email_addresses: [
            { id: "idn_grace", email_address: "grace@example.com", verification: { status: "verified" } },
          ],
        }),
      );
      const responses = await Promise.all(
        Array.from({ length: DELIVERIES }, (_, i) => (i % 2 === 0 ? a : b).clerk(body, "msg_grace")),
      );
      expect(responses.every((response) => response.status === 200 || response.status === 409)).toBe(true);
      expect(calls).toEqual(["msg_grace"]);
      expect(await db.query("SELECT credits FROM users WHERE clerk_id = 'user_grace'")).toEqual([{ credits: 20 }]);
      expect(
        await db.query("SELECT count(*)::int AS n FROM credit_transactions WHERE webhook_event_id = 'msg_grace'"),
      ).toEqual([{ n: 1 }]);
    });

    it("a rate limit of N per window holds across both instances", async () => {
      const limit = 10;
      const checkout = (adapters: Adapters) =>
        createCheckoutRoute({
          ...adapters.users,
          audit: false,
          rateLimit: { limit, windowMs: 60_000, store: adapters.rateLimitStore() },
          // Never reached when limited; when allowed, an invalid body answers 400 without Stripe.
          stripe: {
            secretKey: "sk_test_rate_limit",
            priceId: "price_1",
            successUrl: "http://127.0.0.1/ok",
            cancelUrl: "http://127.0.0.1/no",
          },
        });
      const [a, b] = [checkout(db), checkout(db.instance())];
      const post = (route: (request: Request) => Promise<Response>) =>
        route(
          new Request("http://127.0.0.1/api/checkout", {
            method: "POST",
            headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
            body: JSON.stringify({ email: "not an email" }),
          }),
        );
      const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => post(i % 2 === 0 ? a : b)));
      const statuses = responses.map((response) => response.status);
      expect(countOf(statuses.map(String), "400")).toBe(limit);
      expect(countOf(statuses.map(String), "429")).toBe(30 - limit);
      const remaining = responses
        .filter((response) => response.status === 400)
        .map((response) => Number(response.headers.get("ratelimit-remaining")));
      expect(remaining.sort((x, y) => x - y)).toEqual(Array.from({ length: limit }, (_, i) => i));
      expect(await db.query("SELECT key, count FROM tollgate_rate_limits")).toEqual([
        { key: "checkout:203.0.113.9", count: 30 },
      ]);
    });

    it("an instance that dies holding a claim blocks the event only until the lease ends on the database's clock", async () => {
      const calls: string[] = [];
      const dead = db.store();
      const survivor = instance(db.instance(), calls);
      const body = JSON.stringify(stripeEvent("customer.subscription.created", subscription({ id: "sub_dead" })));
      const key = `stripe:${JSON.parse(body).id}`;
      // The dead instance claimed the event (a short lease here), then its process went away.
      expect(await dead.claim(key, 1_500)).toBe("claimed");

      const blocked = await survivor.stripe(body);
      expect([blocked.status, await blocked.json()]).toEqual([
        409,
        expect.objectContaining({ code: "EVENT_IN_FLIGHT" }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      const retried = await survivor.stripe(body);
      expect([retried.status, await retried.json()]).toEqual([200, { received: true }]);
      expect(calls).toEqual(["sub_dead"]);
      // The dead instance's late release (had it come back) frees nothing: the event stays processed.
      await dead.release(key);
      expect(await (await survivor.stripe(body)).json()).toEqual({ received: true, duplicate: true });
    });
  });
});

describe("the examples' migrations create tollgate's tables", () => {
  const examples = new URL("../../examples/", import.meta.url);
  const normalized = (sql: string) => sql.replaceAll("--> statement-breakpoint", "").replace(/\s+/g, " ").trim();
  it.each([
    ["Drizzle", "nextjs-drizzle/drizzle/0002_tollgate_stores.sql"],
    ["Prisma", "nextjs-prisma/prisma/migrations/0004_tollgate_stores.sql"],
  ])("%s: %s holds postgresStoreSchema() verbatim", (_, file) => {
    const migration = readFileSync(new URL(file, examples), "utf8");
    expect(normalized(migration)).toContain(normalized(postgresStoreSchema()));
  });
});
