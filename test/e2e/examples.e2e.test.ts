import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clerkEvent,
  type Delivery,
  type StripeStandIn,
  signStripePayload,
  signSvixPayload,
  startStripeStandIn,
  stripeEvent,
} from "../../src/testing.js";
import { type NextApp, nextApp, type RunningApp } from "../support/next-app.js";
import { type DatabaseServer, databaseServers, type ServedDatabase } from "./databases.js";

// Each example is built once with `next build`, then started with `next start` on 127.0.0.1 against
// each database server, and driven over HTTP only: signed webhooks, a signed-in user's requests, and
// SQL row checks. Stripe's API is tollgate's stand-in (tollgate/testing) on 127.0.0.1, which the app
// reaches through STRIPE_API_URL and which delivers its own events to the app's webhook route.

const CLERK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STRIPE_WEBHOOK_SECRET = "whsec_e2e_stripe";
const APP_URL = "http://127.0.0.1:3000";
const PRICE = "price_e2e_pro";
const CRON_SECRET = "e2e-cron-secret-0123456789";
const E2E_SEED = 14;

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

  // create-next-app's defaults since Next.js 16: the app is built with Cache Components on, which
  // refuses route files that export `runtime` or `dynamic`; every API route stays per-request.
  it("was built with cacheComponents: true, and no API route was prerendered", () => {
    const built = JSON.parse(readFileSync(join(dir, ".next/required-server-files.json"), "utf8")) as {
      config: { cacheComponents?: boolean };
    };
    expect(built.config.cacheComponents).toBe(true);
    const prerendered = JSON.parse(readFileSync(join(dir, ".next/prerender-manifest.json"), "utf8")) as {
      routes: Record<string, unknown>;
    };
    expect(Object.keys(prerendered.routes).filter((route) => route.startsWith("/api/"))).toEqual([]);
  });

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
      // Classic billing: a cancellation at the period end reads `cancel_at_period_end: true` in every mapping.
      stripe = await startStripeStandIn({ billingMode: "classic", seed: E2E_SEED });
      running = await app.start({
        DATABASE_URL: db.url,
        ...db.appEnv,
        STRIPE_SECRET_KEY: "sk_test_e2e",
        STRIPE_API_URL: stripe.url,
        STRIPE_PRICE_ID: PRICE,
        STRIPE_WEBHOOK_SECRET,
        CLERK_WEBHOOK_SECRET: CLERK_SECRET,
        CRON_SECRET,
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

    const signup = (clerkId: string, email: string) =>
      clerkEvent("user.created", {
        id: clerkId,
        primary_email_address_id: `idn_${clerkId}`,
        email_addresses: [{ id: `idn_${clerkId}`, email_address: email, verification: { status: "verified" } }],
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
          "UPDATE tollgate_idempotency SET expires_at = now() - interval '1 second' WHERE key = 'clerk:msg_e2e_grace'",
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
          expect(await count("webhook_events WHERE event_id = 'msg_e2e_linus'")).toBe(0);
          expect(await count("tollgate_idempotency WHERE key = 'clerk:msg_e2e_linus'")).toBe(0);
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
        expect(await rows("SELECT count FROM tollgate_rate_limits WHERE key LIKE 'checkout:%'")).toEqual([
          { count: 3 },
        ]);
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

    describe("Stripe subscription lifecycle, recorded and delivered by the stand-in", () => {
      let delivery: Delivery;
      let subscriptionId: string;
      beforeAll(() => {
        // Held back until the test flushes: then the batch arrives shuffled (a fixed seed).
        delivery = stripe.deliverTo({
          url: `${running.base}/api/webhooks/stripe`,
          secret: STRIPE_WEBHOOK_SECRET,
          paused: true,
          reorder: true,
        });
      });
      afterAll(() => delivery?.stop());

      it("subscribed, past due, paid, cancellation scheduled; every event delivered shuffled → the row is Stripe's state", async () => {
        const [user] = await rows<{ stripe_customer_id: string }>(
          "SELECT stripe_customer_id FROM users WHERE email = 'grace@example.com'",
        );
        const from = stripe.events.length;
        const sub = stripe.subscriptions.create({ customer: user?.stripe_customer_id as string, price: PRICE });
        subscriptionId = sub.id;
        stripe.subscriptions.failPayments(sub.id);
        stripe.subscriptions.renew(sub.id);
        stripe.subscriptions.pay(sub.id);
        stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
        const attempts = await delivery.flush();
        expect(attempts.map((attempt) => attempt.status).filter((status) => status !== 200)).toEqual([]);
        const recorded = stripe.events.slice(from).map((event) => event.id);
        const delivered = attempts.map((attempt) => attempt.event.id);
        expect(delivered).not.toEqual(recorded);
        expect([...delivered].sort()).toEqual([...recorded].sort());

        const state = stripe.subscriptions.retrieve(sub.id);
        const periodEnd = new Date((state.items.data[0]?.current_period_end as number) * 1000);
        expect(
          await rows(
            "SELECT id, status, price_id, cancel_at_period_end, cancel_at, current_period_end FROM subscriptions",
          ),
        ).toEqual([
          {
            id: sub.id,
            status: "active",
            price_id: PRICE,
            cancel_at_period_end: true,
            cancel_at: periodEnd,
            current_period_end: periodEnd,
          },
        ]);
        expect(await call("/api/subscription/status", { user: "grace@example.com" })).toEqual({
          status: 200,
          body: {
            hasAccess: true,
            status: "active",
            currentPeriodEnd: periodEnd.toISOString(),
            cancelAtPeriodEnd: true,
            cancelAt: periodEnd.toISOString(),
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
        stripe.advance(60);
        stripe.subscriptions.cancel(subscriptionId);
        expect((await delivery.flush()).map((attempt) => [attempt.event.type, attempt.status])).toEqual([
          ["customer.subscription.deleted", 200],
        ]);
        // Stripe redelivers an update from before the deletion; its idempotency record has expired.
        const stale = delivery.attempts.find(
          (attempt) =>
            attempt.event.type === "customer.subscription.updated" && attempt.event.data.object.status === "active",
        );
        const expired = await db.sql.query("DELETE FROM tollgate_idempotency WHERE key = $1", [
          `stripe:${stale?.event.id}`,
        ]);
        expect(expired.rowCount).toBe(1);
        const late = await delivery.redeliver((attempt) => attempt === stale);
        expect(late.map((attempt) => attempt.status)).toEqual([200]);
        expect(await rows("SELECT status FROM subscriptions WHERE id = $1", [subscriptionId])).toEqual([
          { status: "canceled" },
        ]);
        expect(await call("/api/subscription/status", { user: "grace@example.com" })).toMatchObject({
          status: 200,
          body: { hasAccess: false, status: "canceled" },
        });
      });

      it.each([
        ["GET", "/api/webhooks/stripe"],
        ["PUT", "/api/webhooks/stripe"],
        ["GET", "/api/webhooks/clerk"],
        ["DELETE", "/api/webhooks/clerk"],
      ])("%s %s → the documented JSON 405 with Allow: POST, not Next.js's empty one", async (method, path) => {
        const response = await fetch(running.base + path, { method });
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe("POST");
        expect(await response.json()).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
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

    // The most common Stripe complaint: back from Checkout, the page still says "free" because the
    // webhook has not landed. The success URL's session_id lets the status route apply it first.
    describe("confirm on return: the webhook delivery held back", () => {
      let delivery: Delivery;
      beforeAll(() => {
        delivery = stripe.deliverTo({
          url: `${running.base}/api/webhooks/stripe`,
          secret: STRIPE_WEBHOOK_SECRET,
          paused: true,
        });
      });
      afterAll(() => delivery?.stop());

      it("the return URL answers hasAccess: true before any webhook; the late webhooks change nothing", async () => {
        const user = "hedy@example.com";
        const checkout = await call("/api/checkout", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
          user,
        });
        expect(checkout.status).toBe(200);
        const sessionId = /\/c\/pay\/(cs_test_[A-Za-z0-9]+)/.exec(
          (checkout.body as { url: string }).url,
        )?.[1] as string;
        expect(sessionId).toMatch(/^cs_test_/);
        const paid = stripe.completeCheckout(sessionId, { email: user });
        const subscriptionId = paid.subscription?.id as string;
        expect(delivery.pending).toBeGreaterThan(0); // held back: nothing reached the app

        expect(await call("/api/subscription/status", { user })).toEqual({
          status: 200,
          body: { hasAccess: false, status: null },
        });
        // Someone else presenting the session id gains nothing.
        expect(
          await call(`/api/subscription/status?session_id=${sessionId}`, { user: "grace@example.com" }),
        ).toMatchObject({
          status: 200,
          body: { hasAccess: false },
        });
        const returned = await call(`/api/subscription/status?session_id=${sessionId}`, { user });
        expect(returned).toMatchObject({ status: 200, body: { hasAccess: true, status: "active" } });
        const written = await rows("SELECT id, status, price_id, last_event_at FROM subscriptions WHERE id = $1", [
          subscriptionId,
        ]);
        expect(written).toMatchObject([{ id: subscriptionId, status: "active", price_id: PRICE }]);

        const attempts = await delivery.flush();
        expect(attempts.length).toBeGreaterThan(0);
        expect(attempts.filter((attempt) => attempt.status !== 200)).toEqual([]);
        expect(await rows("SELECT id, status, price_id FROM subscriptions WHERE id = $1", [subscriptionId])).toEqual([
          { id: subscriptionId, status: "active", price_id: PRICE },
        ]);
        expect(await call("/api/subscription/status", { user })).toMatchObject({
          status: 200,
          body: { hasAccess: true, status: "active" },
        });
      });

      it("a malformed session_id → 400 VALIDATION_ERROR, Stripe not called", async () => {
        const before = stripe.requests.length;
        expect(
          await call("/api/subscription/status?session_id=cs_test_x%2F..", { user: "hedy@example.com" }),
        ).toMatchObject({
          status: 400,
          body: { code: "VALIDATION_ERROR" },
        });
        expect(stripe.requests.length).toBe(before);
      });
    });

    describe("Stripe reconcile route: only the scheduler's bearer token opens it", () => {
      it.each([
        ["no token", {}, 401, "UNAUTHORIZED"],
        ["a wrong token", { authorization: "Bearer e2e-cron-secret-012345678" }, 401, "UNAUTHORIZED"],
        [
          "the token, with a mode it does not know",
          { authorization: `Bearer ${CRON_SECRET}` },
          400,
          "VALIDATION_ERROR",
        ],
      ])("GET with %s → %i", async (_name, headers, status, code) => {
        const response = await call("/api/stripe/reconcile?mode=nonsense", { headers });
        expect(response).toMatchObject({ status, body: { code } });
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
