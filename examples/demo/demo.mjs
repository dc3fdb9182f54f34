// `npm run demo`: tollgate's routes on a local node:http server, backed by embedded PostgreSQL and the
// adapters of examples/nextjs-drizzle.
// Offline by default (a Stripe stand-in on 127.0.0.1); with STRIPE_SECRET_KEY=sk_test_… it calls Stripe's test mode.
import { createServer } from "node:http";
import Stripe from "stripe";
import {
  createCheckoutRoute,
  createClerkWebhookRoute,
  createSubscriptionStatusRoute,
  createWebhookRoute,
} from "tollgate";
import { toNodeHandler } from "tollgate/node";
import { clerkEvent, signStripePayload, signSvixPayload, startStripeStandIn, stripeEvent } from "tollgate/testing";
import { openDatabase } from "./database.ts";

const CLERK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STRIPE_WEBHOOK_SECRET = "whsec_demo_webhook_secret";
const APP = "http://127.0.0.1";

const heading = (text) => console.log(`\n\x1b[1m${text}\x1b[0m`);
const audit = [];

async function main() {
  const database = await openDatabase();
  const realKey = process.env.STRIPE_SECRET_KEY?.startsWith("sk_test_") ? process.env.STRIPE_SECRET_KEY : undefined;
  const standIn = realKey ? null : await startStripeStandIn();
  // The stand-in hands out a stripe SDK client aimed at it.
  const stripe = realKey ? new Stripe(realKey) : standIn.client;
  const sink = (entry) => void audit.push(entry);

  const routes = {
    "/api/webhooks/clerk": createClerkWebhookRoute({
      secret: CLERK_SECRET,
      audit: sink,
      // 20 credits in one transaction with the svix-id; a redelivery changes nothing.
      on: database.clerk,
      idempotency: { store: database.idempotencyStore },
    }),
    "/api/checkout": createCheckoutRoute({
      ...database.users,
      ...database.status,
      audit: sink,
      stripe: {
        client: stripe,
        secretKey: realKey ?? standIn.secretKey,
        priceId: process.env.STRIPE_PRICE_ID ?? "price_demo_pro",
        successUrl: `${APP}/dashboard?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${APP}/pricing`,
      },
    }),
    "/api/webhooks/stripe": createWebhookRoute({
      ...database.subscriptions,
      audit: sink,
      sync: "payload",
      stripe: { webhookSecret: STRIPE_WEBHOOK_SECRET },
      idempotency: { store: database.idempotencyStore },
    }),
    "/api/subscription/status": createSubscriptionStatusRoute({ ...database.status, audit: sink }),
  };
  const nodeRoutes = Object.fromEntries(Object.entries(routes).map(([path, route]) => [path, toNodeHandler(route)]));
  const server = createServer((req, res) => {
    const route = nodeRoutes[req.url?.split("?")[0] ?? ""];
    if (route) return void route(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  let results = [];
  const flush = () => {
    console.table(results);
    results = [];
  };
  async function send(step, path, init) {
    const response = await fetch(`${base}${path}`, init);
    const body = await response.json();
    results.push({ step, status: response.status, body: JSON.stringify(body).slice(0, 90) });
    return body;
  }

  try {
    heading("1. Clerk delivers user.created — twice (a retry). 20 credits are granted once.");
    const signup = JSON.stringify(clerkEvent("user.created", { id: "user_clerk_ada" }));
    const clerkHeaders = await signSvixPayload(signup, CLERK_SECRET, { id: "msg_demo_signup" });
    for (const attempt of ["first delivery", "re-delivery"]) {
      await send(`clerk user.created (${attempt})`, "/api/webhooks/clerk", {
        method: "POST",
        body: signup,
        headers: clerkHeaders,
      });
    }
    const forged = await signSvixPayload(signup, "whsec_dGhlIHdyb25nIHNlY3JldA==", { id: "msg_demo_forged" });
    await send("clerk user.created (forged signature)", "/api/webhooks/clerk", {
      method: "POST",
      body: signup,
      headers: forged,
    });

    flush();
    heading("2. Checkout for the new user: one Stripe customer, a session URL.");
    const checkout = { method: "POST", headers: { "content-type": "application/json" } };
    await send("checkout", "/api/checkout", {
      ...checkout,
      body: JSON.stringify({ email: "Ada@Example.com", callbackUrl: "/settings" }),
    });
    await send("checkout (callback to another site)", "/api/checkout", {
      ...checkout,
      body: JSON.stringify({ email: "ada@example.com", callbackUrl: "https://evil.example/phish" }),
    });

    flush();
    heading("3. Stripe delivers a subscription lifecycle out of order; stale events are skipped.");
    const [user] = await database.rows("SELECT id, stripe_customer_id FROM users");
    const t0 = Math.floor(Date.now() / 1000) - 60;
    const lifecycle = [
      ["customer.subscription.created", "incomplete", 0],
      ["customer.subscription.updated", "active", 10],
      ["customer.subscription.updated", "past_due", 20],
      ["customer.subscription.updated", "active", 30],
      ["customer.subscription.updated", "active", 40],
    ].map(([type, status, offset], index) =>
      stripeEvent(
        type,
        {
          id: "sub_demo",
          object: "subscription",
          customer: user.stripe_customer_id,
          status,
          cancel_at_period_end: index === 4,
          items: { object: "list", data: [{ price: { id: "price_demo_pro" }, current_period_end: t0 + 2_592_000 }] },
        },
        { created: t0 + offset },
      ),
    );
    for (const index of [3, 0, 4, 2, 1]) {
      const event = lifecycle[index];
      const body = JSON.stringify(event);
      await send(
        `stripe ${event.type.split(".").at(-1)} → ${event.data.object.status} (t+${event.created - t0}s)`,
        "/api/webhooks/stripe",
        {
          method: "POST",
          body,
          headers: await signStripePayload(body, STRIPE_WEBHOOK_SECRET),
        },
      );
    }

    flush();
    heading("4. Subscription status.");
    await send("status ada@example.com", "/api/subscription/status?email=ada@example.com", {});
    await send("status nobody@example.com", "/api/subscription/status?email=nobody@example.com", {});
    await send("status (not an email)", "/api/subscription/status?email=not-an-email", {});

    flush();
    heading("Rows in the database");
    console.table(await database.rows("SELECT id, email, clerk_id, stripe_customer_id, credits FROM users"));
    console.table(await database.rows("SELECT user_id, amount, reason, webhook_event_id FROM credit_transactions"));
    console.table(await database.rows("SELECT id, status, cancel_at_period_end, last_event_at FROM subscriptions"));
    heading("Audit log (one entry per request; no bodies, secrets, signatures or full emails)");
    console.table(
      audit.map((entry) => ({
        route: entry.route,
        status: entry.status,
        outcome: entry.outcome ?? entry.kind,
        reason: entry.reason ?? "",
        eventType: entry.eventType ?? "",
        mutations: (entry.mutations ?? []).join(","),
        syncStatus: entry.syncStatus ?? "",
        email: entry.email ?? "",
      })),
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await standIn?.close();
    await database.close();
  }
}

await main();
