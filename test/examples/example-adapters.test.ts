import type Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SIGNUP_CREDITS } from "../../examples/nextjs-prisma/lib/db/clerk-handlers";
import { createWebhookRoute, type SubscriptionData } from "../../src/index.js";
import { signStripePayload, stripeEvent } from "../../src/testing.js";
import { subscription } from "../support/stripe-webhook.js";
import { DATABASES, type TestDatabase } from "./example-databases.js";

const stripeSecret = "whsec_example_adapters";

const verified = { status: "verified" };

function clerkUser(id: string, email: string, verification: { status: string } = verified) {
  return {
    id,
    object: "user",
    primary_email_address_id: `idn_${id}`,
    email_addresses: [{ id: `idn_${id}`, email_address: email, verification }],
  };
}

const created = (eventId: string) => ({ eventId, eventType: "user.created" });
const updated = (eventId: string) => ({ eventId, eventType: "user.updated" });

// The Prisma and the Drizzle example keep the same promises; one table of cases holds both to them.
describe.each(DATABASES)("example adapters: $name", ({ name, skip, open }) => {
  if (skip) {
    console.warn(`[tollgate] example adapters, ${name}: ${skip}`);
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
  beforeEach(async () => {
    await db.reset();
    vi.restoreAllMocks();
  });

  async function count(table: string): Promise<number> {
    const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    return row?.n ?? -1;
  }

  describe("user.created: 20 credits, exactly once", () => {
    it("20 concurrent deliveries of one event → one user, 20 credits, one credit transaction", async () => {
      const on = db.clerk;
      const user = clerkUser("user_ada", "Ada@Example.com");
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => on["user.created"](user, created("msg_1"))),
      );
      expect(results.filter((result) => result.status === "rejected")).toEqual([]);
      expect(await db.query("SELECT email, clerk_id, credits FROM users")).toEqual([
        { email: "ada@example.com", clerk_id: "user_ada", credits: SIGNUP_CREDITS },
      ]);
      expect(await db.query("SELECT amount, reason, webhook_event_id FROM credit_transactions")).toEqual([
        { amount: 20, reason: "signup", webhook_event_id: "msg_1" },
      ]);
      expect(await db.query("SELECT event_id, event_type FROM webhook_events")).toEqual([
        { event_id: "msg_1", event_type: "user.created" },
      ]);
    });

    it("a redelivery long after (any idempotency TTL has passed) grants nothing", async () => {
      const on = db.clerk;
      const user = clerkUser("user_ada", "ada@example.com");
      await on["user.created"](user, created("msg_1"));
      await on["user.created"](user, created("msg_1"));
      // Even after the user was deleted the delivery is remembered.
      await on["user.deleted"]({ id: "user_ada" });
      await on["user.created"](user, created("msg_1"));
      expect(await count("users")).toBe(0);
      expect(await count("webhook_events")).toBe(1);
    });

    it("a second signup event for the same Clerk user or email grants nothing", async () => {
      const on = db.clerk;
      await on["user.created"](clerkUser("user_ada", "ada@example.com"), created("msg_1"));
      await on["user.created"](clerkUser("user_ada", "ada@example.com"), created("msg_2"));
      await on["user.created"](clerkUser("user_other", "ada@example.com"), created("msg_3"));
      expect(await db.query("SELECT credits FROM users")).toEqual([{ credits: 20 }]);
      expect(await count("credit_transactions")).toBe(1);
    });

    it("a database failure inside the transaction writes nothing; the retry writes once", async () => {
      await db.query(`
        CREATE FUNCTION fail_credit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
      await db.query(
        "CREATE TRIGGER fail_credit BEFORE INSERT ON credit_transactions FOR EACH ROW EXECUTE FUNCTION fail_credit()",
      );
      const on = db.clerk;
      const user = clerkUser("user_ada", "ada@example.com");
      try {
        // Drizzle wraps the driver's error (the cause), Prisma rethrows it.
        const failure = await on["user.created"](user, created("msg_1")).then(
          () => null,
          (error: Error) => error,
        );
        expect(`${failure?.message} ${(failure?.cause as Error | undefined)?.message}`).toMatch(/injected failure/);
        // The user row and the delivery row were written before the failure: both rolled back.
        expect([await count("users"), await count("credit_transactions"), await count("webhook_events")]).toEqual([
          0, 0, 0,
        ]);
      } finally {
        await db.query("DROP TRIGGER fail_credit ON credit_transactions");
        await db.query("DROP FUNCTION fail_credit()");
      }
      await on["user.created"](user, created("msg_1"));
      await on["user.created"](user, created("msg_1"));
      expect(await db.query("SELECT credits FROM users")).toEqual([{ credits: 20 }]);
      expect(await count("credit_transactions")).toBe(1);
    });

    it("user.updated to an email another account holds changes nothing and does not throw (no endless retries)", async () => {
      const on = db.clerk;
      await on["user.created"](clerkUser("user_ada", "ada@example.com"), created("msg_1"));
      await db.users.createUser("bob@example.com"); // e.g. a checkout before Bob signed up with Clerk
      await on["user.updated"](clerkUser("user_ada", "Bob@Example.com"), updated("msg_2"));
      expect(await db.query("SELECT email, clerk_id FROM users ORDER BY email")).toEqual([
        { email: "ada@example.com", clerk_id: "user_ada" },
        { email: "bob@example.com", clerk_id: null },
      ]);
    });

    it("user.updated follows the primary email; user.deleted removes the user and what hangs off it", async () => {
      const on = db.clerk;
      await on["user.created"](clerkUser("user_ada", "ada@example.com"), created("msg_1"));
      await on["user.updated"](
        {
          ...clerkUser("user_ada", "old@example.com"),
          primary_email_address_id: "idn_new",
          email_addresses: [
            { id: "idn_old", email_address: "old@example.com", verification: verified },
            { id: "idn_new", email_address: " Ada.Lovelace@Example.com ", verification: verified },
          ],
        },
        updated("msg_2"),
      );
      expect(await db.query("SELECT email FROM users")).toEqual([{ email: "ada.lovelace@example.com" }]);
      await on["user.deleted"]({ id: "user_ada" });
      expect([await count("users"), await count("credit_transactions")]).toEqual([0, 0]);
      await on["user.deleted"]({ id: "user_unknown" });
    });
  });

  describe("user.created links the account a checkout made first: credits once per person, whatever the order", () => {
    // A checkout creates the account by email (createUser, as the checkout route does); Clerk's
    // user.created arrives before or after it.
    const orders = [
      {
        order: "checkout, then signup",
        run: async () => {
          await db.users.createUser("grace@example.com");
          await db.clerk["user.created"](clerkUser("user_grace", "Grace@Example.com"), created("msg_g1"));
        },
      },
      {
        order: "signup, then checkout",
        run: async () => {
          await db.clerk["user.created"](clerkUser("user_grace", "Grace@Example.com"), created("msg_g1"));
          expect(await db.users.findUserByEmail("grace@example.com")).not.toBeNull(); // the checkout finds it
        },
      },
    ];

    it.each(orders)("$order → one account with the Clerk id and 20 credits, once", async ({ run }) => {
      await run();
      // A redelivery and a second signup event for the same person change nothing.
      await db.clerk["user.created"](clerkUser("user_grace", "grace@example.com"), created("msg_g1"));
      await db.clerk["user.created"](clerkUser("user_grace", "grace@example.com"), created("msg_g2"));
      expect(await db.query("SELECT email, clerk_id, credits FROM users")).toEqual([
        { email: "grace@example.com", clerk_id: "user_grace", credits: SIGNUP_CREDITS },
      ]);
      expect(await db.query("SELECT amount, reason, webhook_event_id FROM credit_transactions")).toEqual([
        { amount: SIGNUP_CREDITS, reason: "signup", webhook_event_id: "msg_g1" },
      ]);
    });

    it.each(orders)("$order → user.deleted finds the account and removes it", async ({ run }) => {
      await run();
      await db.clerk["user.deleted"]({ id: "user_grace" });
      expect([await count("users"), await count("credit_transactions")]).toEqual([0, 0]);
    });

    it("an unverified primary email links nothing and grants nothing; the user.updated that verifies it does, once", async () => {
      await db.users.createUser("grace@example.com");
      await db.clerk["user.created"](
        clerkUser("user_mallory", "grace@example.com", { status: "unverified" }),
        created("msg_m1"),
      );
      expect(await db.query("SELECT email, clerk_id, credits FROM users")).toEqual([
        { email: "grace@example.com", clerk_id: null, credits: 0 },
      ]);
      await db.clerk["user.updated"](
        clerkUser("user_mallory", "grace@example.com", { status: "unverified" }),
        updated("msg_m2"),
      );
      expect(await count("credit_transactions")).toBe(0);
      // The real owner verifies the address: linked, credited once.
      await db.clerk["user.updated"](clerkUser("user_grace", "grace@example.com"), updated("msg_g3"));
      await db.clerk["user.updated"](clerkUser("user_grace", "grace@example.com"), updated("msg_g4"));
      expect(await db.query("SELECT email, clerk_id, credits FROM users")).toEqual([
        { email: "grace@example.com", clerk_id: "user_grace", credits: SIGNUP_CREDITS },
      ]);
      expect(await count("credit_transactions")).toBe(1);
    });

    it("an account already linked to another Clerk user is not taken over", async () => {
      await db.clerk["user.created"](clerkUser("user_grace", "grace@example.com"), created("msg_g1"));
      await db.users.createUser("other@example.com");
      // A second Clerk user with Grace's verified email, and Grace signing up again with another email.
      await db.clerk["user.created"](clerkUser("user_twin", "grace@example.com"), created("msg_t1"));
      await db.clerk["user.created"](clerkUser("user_grace", "other@example.com"), created("msg_g2"));
      expect(await db.query("SELECT email, clerk_id, credits FROM users ORDER BY email")).toEqual([
        { email: "grace@example.com", clerk_id: "user_grace", credits: SIGNUP_CREDITS },
        { email: "other@example.com", clerk_id: null, credits: 0 },
      ]);
    });
  });

  // tollgate's PostgreSQL idempotency store through the example's hand-over (its cases, and the
  // database clock, are test/postgres-stores.test.ts's and this folder's sql-stores.test.ts's).
  describe("the idempotency store (tollgate_idempotency)", () => {
    it("behind the Stripe route: 20 concurrent deliveries → processed once, the rest in flight or duplicates", async () => {
      const user = await db.users.createUser("ada@example.com");
      await db.users.updateUser(user.id, { stripeCustomerId: "cus_1" });
      const adapter = db.subscriptions;
      const upsert = vi.spyOn(adapter, "upsertSubscription");
      const route = createWebhookRoute({
        ...adapter,
        stripe: { webhookSecret: stripeSecret },
        sync: "payload",
        audit: false,
        idempotency: { store: db.store() },
      });
      const event = stripeEvent("customer.subscription.created", {
        id: "sub_1",
        object: "subscription",
        customer: "cus_1",
        status: "active",
        cancel_at_period_end: false,
        items: {
          object: "list",
          data: [{ id: "si_1", price: { id: "price_basic" }, current_period_end: 1_775_001_600 }],
        },
      });
      const body = JSON.stringify(event);
      const headers = { "content-type": "application/json", ...(await signStripePayload(body, stripeSecret)) };
      const send = () => route(new Request("http://127.0.0.1/api/webhooks/stripe", { method: "POST", headers, body }));
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await send();
          const answer = (await response.json()) as { duplicate?: boolean };
          return response.status === 200 ? (answer.duplicate ? "duplicate" : "processed") : response.status;
        }),
      );
      // Whether a loser sees the claim (409) or the completed row (duplicate) depends on timing.
      expect(outcomes.filter((outcome) => outcome === "processed")).toHaveLength(1);
      expect(
        outcomes.filter((outcome) => outcome !== "processed" && outcome !== "duplicate" && outcome !== 409),
      ).toEqual([]);
      expect(await (await send()).json()).toEqual({ received: true, duplicate: true });
      expect(upsert).toHaveBeenCalledTimes(1);
      expect(await db.query("SELECT key, completed_at IS NOT NULL AS done FROM tollgate_idempotency")).toEqual([
        { key: `stripe:${event.id}`, done: true },
      ]);
      // The app's own webhook_events table holds Clerk signups only.
      expect(await db.query("SELECT event_id FROM webhook_events")).toEqual([]);
    });

    it("20 concurrent claims of one key: exactly one is claimed", async () => {
      const s = db.store();
      const results = await Promise.all(Array.from({ length: 20 }, () => s.claim("clerk:msg_race", 60_000)));
      expect(results.filter((result) => result === "claimed")).toHaveLength(1);
      expect(results.filter((result) => result === "in-flight")).toHaveLength(19);
    });
  });

  describe("subscriptions: the stale-write guard", () => {
    async function seedUser(): Promise<string> {
      const user = await db.users.createUser("ada@example.com");
      await db.users.updateUser(user.id, { stripeCustomerId: "cus_1" });
      return user.id;
    }

    const row = (userId: string, at: number, fields: Partial<SubscriptionData> = {}): SubscriptionData => ({
      id: "sub_1",
      userId,
      stripeCustomerId: "cus_1",
      status: "active",
      priceId: "price_basic",
      currentPeriodEnd: new Date("2026-04-01T00:00:00Z"),
      cancelAtPeriodEnd: false,
      cancelAt: null,
      eventCreatedAt: new Date(at * 1000),
      ...fields,
    });

    it("refuses a write older than last_event_at, applies a same-second tie", async () => {
      const userId = await seedUser();
      expect(await db.upsertSubscription(row(userId, 1_000, { status: "trialing" }))).toEqual({
        applied: true,
      });
      expect(await db.upsertSubscription(row(userId, 999, { status: "incomplete" }))).toEqual({
        applied: false,
      });
      expect(await db.upsertSubscription(row(userId, 1_000, { status: "active" }))).toEqual({
        applied: true,
      });
      expect(await db.query("SELECT status, last_event_at FROM subscriptions")).toEqual([
        { status: "active", last_event_at: new Date(1_000_000) },
      ]);
    });

    it("a canceled subscription stays canceled whatever arrives later", async () => {
      const userId = await seedUser();
      const adapter = db.subscriptions;
      await adapter.upsertSubscription(row(userId, 1_000));
      await adapter.updateSubscriptionStatus("sub_1", "canceled");
      await adapter.upsertSubscription(row(userId, 1_001, { status: "active" }));
      expect(await db.query("SELECT status FROM subscriptions")).toEqual([{ status: "canceled" }]);
      await adapter.updateSubscriptionStatus("sub_unknown", "canceled");
    });

    it("updateSubscriptionStatus records meta.eventCreatedAt: an older write after it is refused (another instance)", async () => {
      const userId = await seedUser();
      await db.subscriptions.upsertSubscription(row(userId, 1_000));
      await db.subscriptions.updateSubscriptionStatus("sub_1", "past_due", { eventCreatedAt: new Date(2_000_000) });
      const other = db.instance();
      expect(await other.upsertSubscription(row(userId, 1_500, { status: "active" }))).toEqual({ applied: false });
      expect(await other.upsertSubscription(row(userId, 2_000, { status: "active" }))).toEqual({ applied: true });
      // An older status change never moves the version back.
      await other.subscriptions.updateSubscriptionStatus("sub_1", "canceled", { eventCreatedAt: new Date(1_000_000) });
      expect(await db.query("SELECT status, last_event_at FROM subscriptions")).toEqual([
        { status: "canceled", last_event_at: new Date(2_000_000) },
      ]);
    });

    it.each([
      ["renewing", { cancelAtPeriodEnd: false, cancelAt: null }],
      ["cancelling at the period end", { cancelAtPeriodEnd: true, cancelAt: new Date("2026-04-01T00:00:00Z") }],
      ["cancelling on another date", { cancelAtPeriodEnd: false, cancelAt: new Date("2026-03-20T00:00:00Z") }],
    ])("stores and answers cancelAtPeriodEnd and cancelAt (%s)", async (_case, fields) => {
      const userId = await seedUser();
      await db.upsertSubscription(row(userId, 1_000, fields));
      expect(await db.status.findUserWithSubscription("ada@example.com")).toMatchObject({
        subscription: { status: "active", ...fields },
      });
    });

    // Five events of one subscription's life, delivered in every order to a fresh route each
    // time (as if each landed on another instance), so only the database can order them.
    const lifecycle = [
      ["customer.subscription.created", 1_000, { status: "incomplete" }],
      ["customer.subscription.updated", 1_010, { status: "trialing" }],
      ["customer.subscription.updated", 1_020, { status: "active" }],
      ["customer.subscription.updated", 1_030, { status: "active", items: itemsOf("price_pro") }],
      [
        "customer.subscription.updated",
        1_040,
        { status: "active", items: itemsOf("price_pro"), cancel_at_period_end: true },
      ],
    ] as const;

    function itemsOf(price: string) {
      return { object: "list", data: [{ id: "si_1", price: { id: price }, current_period_end: 1_775_001_600 }] };
    }

    async function deliver(route: (request: Request) => Promise<Response>, event: object): Promise<number> {
      const body = JSON.stringify(event);
      const response = await route(
        new Request("http://127.0.0.1/api/webhooks/stripe", {
          method: "POST",
          headers: { "content-type": "application/json", ...(await signStripePayload(body, stripeSecret)) },
          body,
        }),
      );
      return response.status;
    }

    function shuffles(): number[][] {
      // A fixed, seeded sample of orders (plus the reversed one): enough to cover every event arriving last.
      let seed = 7;
      const random = () => {
        seed = (seed * 16_807) % 2_147_483_647;
        return seed / 2_147_483_647;
      };
      const orders: number[][] = [[4, 3, 2, 1, 0]];
      for (let i = 0; i < 12; i += 1) {
        const order = [0, 1, 2, 3, 4];
        for (let j = order.length - 1; j > 0; j -= 1) {
          const k = Math.floor(random() * (j + 1));
          [order[j], order[k]] = [order[k] as number, order[j] as number];
        }
        orders.push(order);
      }
      return orders;
    }

    it("a shuffled 5-event lifecycle in payload mode ends in the newest event's state", async () => {
      await seedUser();
      for (const order of shuffles()) {
        await db.query("DELETE FROM subscriptions");
        for (const index of order) {
          const [type, createdAt, fields] = lifecycle[index] as (typeof lifecycle)[number];
          const route = createWebhookRoute({
            ...db.subscriptions,
            stripe: { webhookSecret: stripeSecret },
            sync: "payload",
            audit: false,
          });
          const event = stripeEvent(type, subscription(fields), { created: createdAt });
          expect(await deliver(route, event), `order ${order}`).toBe(200);
        }
        expect(
          await db.query("SELECT status, price_id, cancel_at_period_end, last_event_at FROM subscriptions"),
          `order ${order}`,
        ).toEqual([
          { status: "active", price_id: "price_pro", cancel_at_period_end: true, last_event_at: new Date(1_040_000) },
        ]);
      }
    });

    it("a shuffled lifecycle ending in deletion converges in refetch mode", async () => {
      await seedUser();
      const current = subscription({ status: "canceled", items: itemsOf("price_pro") });
      const client = { subscriptions: { retrieve: async () => current } } as unknown as Stripe;
      const events = [
        ...lifecycle.slice(0, 4).map(([type, at, fields]) => stripeEvent(type, subscription(fields), { created: at })),
        stripeEvent("customer.subscription.deleted", current, { created: 1_050 }),
      ];
      for (const order of shuffles()) {
        await db.query("DELETE FROM subscriptions");
        const route = createWebhookRoute({
          ...db.subscriptions,
          stripe: { webhookSecret: stripeSecret, client },
          audit: false,
        });
        for (const index of order) {
          const event = { ...(events[index] as object), id: `evt_${index}_${order.join("")}` };
          expect(await deliver(route, event), `order ${order}`).toBe(200);
        }
        expect(await db.query("SELECT status, price_id FROM subscriptions"), `order ${order}`).toEqual([
          { status: "canceled", price_id: "price_pro" },
        ]);
      }
    });
  });

  describe("route adapters", () => {
    it("users: find, create (a duplicate email throws for the route to re-read), update", async () => {
      const users = db.users;
      expect(await users.findUserByEmail("ada@example.com")).toBeNull();
      const ada = await users.createUser("ada@example.com");
      expect(ada).toMatchObject({ email: "ada@example.com", stripeCustomerId: null });
      expect(ada.createdAt).toBeInstanceOf(Date);
      await expect(users.createUser("ada@example.com")).rejects.toThrow();
      const updated = await users.updateUser(ada.id, { stripeCustomerId: "cus_1" });
      expect(updated).toMatchObject({ id: ada.id, stripeCustomerId: "cus_1" });
      expect(await users.findUserByEmail("ada@example.com")).toEqual(updated);
      expect(await db.subscriptions.findUserByCustomerId("cus_1")).toEqual(updated);
      expect(await db.subscriptions.findUserByCustomerId("cus_none")).toBeNull();
    });

    it("findUserWithSubscription: none, then the newest subscription", async () => {
      const users = db.users;
      const status = db.status;
      expect(await status.findUserWithSubscription("ada@example.com")).toBeNull();
      const ada = await users.createUser("ada@example.com");
      expect(await status.findUserWithSubscription("ada@example.com")).toEqual({
        id: ada.id,
        email: "ada@example.com",
        subscription: null,
      });
      const base = {
        userId: ada.id,
        stripeCustomerId: "cus_1",
        priceId: "price_basic",
        cancelAtPeriodEnd: false,
        cancelAt: null,
        eventCreatedAt: new Date(1_000_000),
      };
      await db.upsertSubscription({ ...base, id: "sub_old", status: "canceled", currentPeriodEnd: null });
      await db.query("UPDATE subscriptions SET created_at = created_at - interval '1 day'");
      const end = new Date("2026-04-01T00:00:00Z");
      await db.upsertSubscription({ ...base, id: "sub_new", status: "active", currentPeriodEnd: end });
      expect(await status.findUserWithSubscription("ada@example.com")).toEqual({
        id: ada.id,
        email: "ada@example.com",
        subscription: { status: "active", currentPeriodEnd: end, cancelAtPeriodEnd: false, cancelAt: null },
      });
    });
  });
});
