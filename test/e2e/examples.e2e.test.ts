import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StripeStandIn, startStripeStandIn } from "../../examples/demo/stripe-stand-in.mjs";
import { clerkEvent, signStripePayload, signSvixPayload, stripeEvent } from "../../src/testing.js";
import { type NextApp, nextApp, type RunningApp } from "../support/next-app.js";
import { type DatabaseServer, databaseServers, type ServedDatabase } from "./databases.js";

// Each example is built once with `next build`, then started with `next start` on 127.0.0.1 against
// each database server, and driven over HTTP only: signed webhooks, a signed-in user's requests, and
// SQL row checks. Stripe's API is a stand-in on 127.0.0.1 the app reaches through STRIPE_API_URL.

const CLERK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STRIPE_WEBHOOK_SECRET = "whsec_e2e_stripe";
const APP_URL = "http://127.0.0.1:3000";
const PRICE = "price_e2e_pro";

const EXAMPLES = [
  { name: "nextjs-prisma", migrate: "scripts/setup-db.mjs" },
  { name: "nextjs-drizzle", migrate: "scripts/migrate.mjs" },
];

describe.each(EXAMPLES)("examples/$name: next build, next start, every route over HTTP", ({ name, migrate }) => {
  const dir = fileURLToPath(new URL(`../../examples/${name}/`, import.meta.url));
  const app: NextApp = nextApp(dir, `end-to-end: examples/${name}`);
  if (app.skip) {
    it.skip(app.skip, () => {});
    return;
  }

  // NEXT_PUBLIC_* values are inlined at build time; secrets are not needed until a request comes.
  beforeAll(() => app.build({ NEXT_PUBLIC_APP_URL: APP_URL }));

  describe.each(databaseServers(dir + migrate))("on $name", ({ name: server, skip, open }) => {
    if (skip) {
      console.warn(`[tollgate] end-to-end examples/${name} on ${server}: ${skip}`);
      it.skip(skip, () => {});
      return;
    }

    let db: ServedDatabase;
    let stripe: StripeStandIn;
    let running: RunningApp;
    beforeAll(async () => {
      db = await open(`tollgate_e2e_${name.replace(/\W/g, "_")}`);
      stripe = await startStripeStandIn();
      running = await app.start({
        DATABASE_URL: db.url,
        ...db.appEnv,
        STRIPE_SECRET_KEY: "sk_test_e2e",
        STRIPE_API_URL: `http://127.0.0.1:${stripe.port}`,
        STRIPE_PRICE_ID: PRICE,
        STRIPE_WEBHOOK_SECRET,
        CLERK_WEBHOOK_SECRET: CLERK_SECRET,
        DEMO_AUTH: "header",
      });
    });
    afterAll(async () => {
      if (process.env.E2E_LOG) console.log(running?.log());
      await running?.stop();
      await stripe?.close();
      await db?.close();
    });

    const rows = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await db.sql.query(sql, params)).rows as T[];
    const count = async (sql: string, params: unknown[] = []) =>
      (await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]?.n;

    async function call(path: string, init: RequestInit & { user?: string } = {}) {
      const headers = new Headers(init.headers);
      if (init.user) headers.set("x-demo-user", init.user);
      const response = await fetch(running.base + path, { ...init, headers });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: response.status, body };
    }

    async function clerk(event: object, svixId: string) {
      const body = JSON.stringify(event);
      return call("/api/webhooks/clerk", {
        method: "POST",
        body,
        headers: await signSvixPayload(body, CLERK_SECRET, { id: svixId }),
      });
    }

    async function stripeWebhook(event: object) {
      const body = JSON.stringify(event);
      return call("/api/webhooks/stripe", {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...(await signStripePayload(body, STRIPE_WEBHOOK_SECRET)) },
      });
    }

    const signup = (clerkId: string, email: string) =>
      clerkEvent("user.created", {
        id: clerkId,
        primary_email_address_id: `idn_${clerkId}`,
        email_addresses: [{ id: `idn_${clerkId}`, email_address: email }],
      });

    describe("Clerk user.created: 20 credits, exactly once", () => {
      it("20 concurrent deliveries of one event → one user, 20 credits, one credit transaction", async () => {
        const event = signup("user_grace", "Grace@Example.com");
        const responses = await Promise.all(Array.from({ length: 20 }, () => clerk(event, "msg_e2e_grace")));
        expect(responses.filter((r) => r.status !== 200 && r.status !== 409)).toEqual([]);
        expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
        expect(await rows("SELECT email, credits FROM users WHERE clerk_id = 'user_grace'")).toEqual([
          { email: "grace@example.com", credits: 20 },
        ]);
        expect(await rows("SELECT amount, reason, webhook_event_id FROM credit_transactions")).toEqual([
          { amount: 20, reason: "signup", webhook_event_id: "msg_e2e_grace" },
        ]);
        // A later redelivery is a duplicate, answered from the shared store.
        expect(await clerk(event, "msg_e2e_grace")).toEqual({ status: 200, body: { received: true, duplicate: true } });
      });

      it("the same event again after the idempotency TTL → processed again, still 20 credits (the database decides)", async () => {
        // Let the store's duplicate window end, as a day passing would.
        await db.sql.query(
          "UPDATE webhook_events SET expires_at = now() - interval '1 second' WHERE event_id = 'clerk:msg_e2e_grace'",
        );
        const again = await clerk(signup("user_grace", "grace@example.com"), "msg_e2e_grace");
        expect(again).toEqual({ status: 200, body: { received: true } });
        expect(await rows("SELECT credits FROM users WHERE clerk_id = 'user_grace'")).toEqual([{ credits: 20 }]);
        expect(await count("credit_transactions")).toBe(1);
      });

      it("a database failure inside the transaction → 500, nothing written; the retry → written once", async () => {
        await db.sql.query(`
          CREATE FUNCTION e2e_fail_credit() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
        await db.sql.query(
          "CREATE TRIGGER e2e_fail_credit BEFORE INSERT ON credit_transactions FOR EACH ROW EXECUTE FUNCTION e2e_fail_credit()",
        );
        const event = signup("user_linus", "linus@example.com");
        try {
          const failed = await clerk(event, "msg_e2e_linus");
          expect(failed).toMatchObject({ status: 500, body: { code: "HANDLER_FAILED" } });
          // No detail of the database error reaches the sender.
          expect(JSON.stringify(failed.body)).not.toMatch(/injected/);
          expect(await count("users WHERE clerk_id = 'user_linus'")).toBe(0);
          expect(await count("credit_transactions WHERE webhook_event_id = 'msg_e2e_linus'")).toBe(0);
          // Neither the delivery nor the claim is left behind: the retry is processed.
          expect(await count("webhook_events WHERE event_id IN ('msg_e2e_linus', 'clerk:msg_e2e_linus')")).toBe(0);
        } finally {
          await db.sql.query("DROP TRIGGER e2e_fail_credit ON credit_transactions");
          await db.sql.query("DROP FUNCTION e2e_fail_credit()");
        }
        expect(await clerk(event, "msg_e2e_linus")).toEqual({ status: 200, body: { received: true } });
        expect(await clerk(event, "msg_e2e_linus")).toEqual({ status: 200, body: { received: true, duplicate: true } });
        expect(await rows("SELECT credits FROM users WHERE clerk_id = 'user_linus'")).toEqual([{ credits: 20 }]);
        expect(await count("credit_transactions WHERE webhook_event_id = 'msg_e2e_linus'")).toBe(1);
      });
    });

    describe("checkout, status and portal for the signed-in user", () => {
      it("no session → 401 from each, nothing written, Stripe not called", async () => {
        const before = stripe.requests.length;
        const json = { "content-type": "application/json" };
        expect(await call("/api/checkout", { method: "POST", headers: json, body: "{}" })).toMatchObject({
          status: 401,
          body: { code: "UNAUTHORIZED" },
        });
        expect(await call("/api/subscription/status")).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
        expect(await call("/api/billing/portal", { method: "POST", headers: json, body: "{}" })).toMatchObject({
          status: 401,
          body: { code: "UNAUTHORIZED" },
        });
        expect(stripe.requests.length).toBe(before);
      });

      it("a checkout for another email than the session's → 403; for the session → a customer and a session URL", async () => {
        const json = { "content-type": "application/json" };
        const forbidden = await call("/api/checkout", {
          method: "POST",
          headers: json,
          body: JSON.stringify({ email: "eve@example.com" }),
          user: "grace@example.com",
        });
        expect(forbidden).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });

        const before = stripe.requests.length;
        const checkout = await call("/api/checkout", {
          method: "POST",
          headers: json,
          body: "{}",
          user: "grace@example.com",
        });
        expect(checkout.status).toBe(200);
        expect(checkout.body).toEqual({
          url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/),
        });
        const [user] = await rows<{ stripe_customer_id: string }>(
          "SELECT stripe_customer_id FROM users WHERE email = 'grace@example.com'",
        );
        expect(user?.stripe_customer_id).toMatch(/^cus_/);
        const calls = stripe.requests.slice(before);
        expect(calls.map((request) => `${request.method} ${request.path}`)).toEqual([
          "POST /v1/customers",
          "POST /v1/checkout/sessions",
        ]);
        expect(calls[1]?.form).toMatchObject({
          customer: user?.stripe_customer_id,
          mode: "subscription",
          "line_items[0][price]": PRICE,
          success_url: `${APP_URL}/dashboard?session_id={CHECKOUT_SESSION_ID}`,
        });
        expect(calls.every((request) => typeof request.idempotencyKey === "string")).toBe(true);
        // Counted in the database, where every instance of the app counts.
        expect(await rows("SELECT count FROM rate_limits WHERE key LIKE 'checkout:%'")).toEqual([{ count: 3 }]);
      });

      it("status: no subscription yet → no access", async () => {
        expect(await call("/api/subscription/status", { user: "grace@example.com" })).toEqual({
          status: 200,
          body: { hasAccess: false, status: null },
        });
      });

      it("portal: a user with a Stripe customer gets a session URL; one without → 404", async () => {
        const portal = await call("/api/billing/portal", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
          user: "grace@example.com",
        });
        expect(portal).toEqual({
          status: 200,
          body: { url: expect.stringMatching(/^https:\/\/billing\.stripe\.com\/p\/session\//) },
        });
        const none = await call("/api/billing/portal", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
          user: "linus@example.com",
        });
        expect(none).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
      });
    });

    describe("Stripe subscription lifecycle", () => {
      it("5 events delivered in shuffled order → the subscription ends in Stripe's current state", async () => {
        const [user] = await rows<{ stripe_customer_id: string }>(
          "SELECT stripe_customer_id FROM users WHERE email = 'grace@example.com'",
        );
        const customer = user?.stripe_customer_id as string;
        const t0 = Math.floor(Date.now() / 1000) - 600;
        const periodEnd = t0 + 30 * 86_400;
        const state = (fields: Record<string, unknown>) => ({
          id: "sub_e2e",
          object: "subscription",
          customer,
          status: "active",
          cancel_at_period_end: false,
          items: { object: "list", data: [{ id: "si_1", price: { id: PRICE }, current_period_end: periodEnd }] },
          ...fields,
        });
        const lifecycle = [
          stripeEvent("customer.subscription.created", state({ status: "incomplete" }), { created: t0 }),
          stripeEvent("customer.subscription.updated", state({ status: "trialing" }), { created: t0 + 10 }),
          stripeEvent("customer.subscription.updated", state({ status: "active" }), { created: t0 + 20 }),
          stripeEvent("customer.subscription.updated", state({ status: "past_due" }), { created: t0 + 30 }),
          stripeEvent("customer.subscription.updated", state({ cancel_at_period_end: true }), { created: t0 + 40 }),
        ];
        // What Stripe answers now: the state after the last event. The route re-reads it (sync: refetch).
        stripe.subscriptions.set("sub_e2e", state({ cancel_at_period_end: true }));
        for (const index of [3, 0, 4, 2, 1]) {
          expect(await stripeWebhook(lifecycle[index] as object), `event ${index}`).toEqual({
            status: 200,
            body: { received: true },
          });
        }
        expect(
          await rows(
            "SELECT id, status, price_id, cancel_at_period_end, cancel_at, current_period_end FROM subscriptions",
          ),
        ).toEqual([
          {
            id: "sub_e2e",
            status: "active",
            price_id: PRICE,
            cancel_at_period_end: true,
            cancel_at: new Date(periodEnd * 1000),
            current_period_end: new Date(periodEnd * 1000),
          },
        ]);
        expect(await call("/api/subscription/status", { user: "grace@example.com" })).toEqual({
          status: 200,
          body: {
            hasAccess: true,
            status: "active",
            currentPeriodEnd: new Date(periodEnd * 1000).toISOString(),
            cancelAtPeriodEnd: true,
            cancelAt: new Date(periodEnd * 1000).toISOString(),
          },
        });
        // A checkout while subscribed is refused before Stripe is called.
        const before = stripe.requests.length;
        expect(
          await call("/api/checkout", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
            user: "grace@example.com",
          }),
        ).toMatchObject({ status: 409, body: { code: "ALREADY_SUBSCRIBED" } });
        expect(stripe.requests.length).toBe(before);
      });

      it("a deletion, then a stale update delivered late → stays canceled, access ends", async () => {
        const [row] = await rows<{ stripe_customer_id: string }>(
          "SELECT stripe_customer_id FROM subscriptions WHERE id = 'sub_e2e'",
        );
        const canceled = {
          ...(stripe.subscriptions.get("sub_e2e") as object),
          status: "canceled",
          customer: row?.stripe_customer_id,
        };
        stripe.subscriptions.set("sub_e2e", canceled);
        const now = Math.floor(Date.now() / 1000);
        expect(
          await stripeWebhook(stripeEvent("customer.subscription.deleted", canceled, { created: now - 5 })),
        ).toEqual({
          status: 200,
          body: { received: true },
        });
        const late = stripeEvent(
          "customer.subscription.updated",
          { ...canceled, status: "active" },
          { created: now - 300 },
        );
        expect((await stripeWebhook(late)).status).toBe(200);
        expect(await rows("SELECT status FROM subscriptions WHERE id = 'sub_e2e'")).toEqual([{ status: "canceled" }]);
        expect(await call("/api/subscription/status", { user: "grace@example.com" })).toMatchObject({
          status: 200,
          body: { hasAccess: false, status: "canceled" },
        });
      });

      it("a forged webhook → 400, nothing written", async () => {
        const body = JSON.stringify(stripeEvent("customer.subscription.updated", { id: "sub_forged" }));
        const forged = await call("/api/webhooks/stripe", {
          method: "POST",
          body,
          headers: await signStripePayload(body, "whsec_not_the_secret"),
        });
        expect(forged).toMatchObject({ status: 400, body: { code: "INVALID_SIGNATURE" } });
        expect(await count("subscriptions WHERE id = 'sub_forged'")).toBe(0);
      });
    });
  });

  // Production: no STRIPE_API_URL, so the app passes no client and tollgate loads the stripe SDK itself,
  // at run time, from the app's node_modules. A preload turns every non-local request into an error
  // before a socket opens: the call fails (502), and the log shows the SDK was loaded and called Stripe.
  describe("without a client of the app's own: the SDK loaded on first use", () => {
    let running: RunningApp;
    let db: ServedDatabase;
    beforeAll(async () => {
      const pglite = databaseServers(dir + migrate).find((server) => server.name === "PGlite");
      db = await (pglite as DatabaseServer).open(`tollgate_e2e_lazy_${name.replace(/\W/g, "_")}`);
      running = await app.start({
        DATABASE_URL: db.url,
        ...db.appEnv,
        STRIPE_SECRET_KEY: "sk_test_loaded_at_run_time",
        STRIPE_PRICE_ID: PRICE,
        DEMO_AUTH: "header",
        NODE_OPTIONS: `--require ${fileURLToPath(new URL("./no-network.cjs", import.meta.url))}`,
      });
    });
    afterAll(async () => {
      await running?.stop();
      await db?.close();
    });

    it("checkout reaches for the Stripe API through the lazily loaded SDK → 502 UPSTREAM_ERROR, no traffic", async () => {
      const response = await fetch(`${running.base}/api/checkout`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-demo-user": "ada@example.com" },
        body: "{}",
      });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ code: "UPSTREAM_ERROR" });
      expect(running.log()).toMatch(/\[no-network\] blocked https request to api\.stripe\.com/);
      expect(running.log()).not.toMatch(/stripe could not be loaded/);
    });
  });
});
