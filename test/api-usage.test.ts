// The usage snippets of API.md, verbatim where possible: they must typecheck (npm run typecheck
// covers test/) and work end to end.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createCheckoutRoute,
  createClerkWebhookRoute,
  createSubscriptionStatusRoute,
  createWebhookRoute,
} from "../src/index.js";
import { clerkEvent, createMemoryAdapter, signStripePayload, signSvixPayload, stripeEvent } from "../src/testing.js";
import { useStripeApi } from "./support/stripe-api.js";

useStripeApi();

const db = createMemoryAdapter();
const getSession = async () => ({ user: { email: "ada@example.com" } });
const env = {
  STRIPE_SECRET_KEY: "sk_test_usage",
  STRIPE_PRICE_ID: "price_usage",
  STRIPE_WEBHOOK_SECRET: "whsec_usage",
  CLERK_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  NEXT_PUBLIC_APP_URL: "https://app.example",
};
beforeEach(() => {
  db.reset();
  vi.stubEnv("STRIPE_SECRET_KEY", env.STRIPE_SECRET_KEY);
  vi.stubEnv("STRIPE_PRICE_ID", env.STRIPE_PRICE_ID);
  vi.stubEnv("CLERK_WEBHOOK_SECRET", env.CLERK_WEBHOOK_SECRET);
  vi.stubEnv("NEXT_PUBLIC_APP_URL", env.NEXT_PUBLIC_APP_URL);
});
afterEach(() => vi.unstubAllEnvs());

describe("API.md usage snippets", () => {
  it("checkout: app/api/checkout/route.ts", async () => {
    // app/api/checkout/route.ts
    const handler = createCheckoutRoute({
      findUserByEmail: (email) => db.findUserByEmail(email),
      createUser: (email) => db.createUser(email),
      updateUser: (userId, data) => db.updateUser(userId, data),
      stripe: {
        secretKey: process.env.STRIPE_SECRET_KEY!,
        priceId: process.env.STRIPE_PRICE_ID!,
        // biome-ignore lint/style/useTemplate: verbatim from API.md
        successUrl: process.env.NEXT_PUBLIC_APP_URL + "/dashboard?session_id={CHECKOUT_SESSION_ID}",
        // biome-ignore lint/style/useTemplate: verbatim from API.md
        cancelUrl: process.env.NEXT_PUBLIC_APP_URL + "/pricing",
      },
      auth: async () => (await getSession())?.user?.email ?? null, // optional
      audit: false,
    });
    const POST = handler;
    const response = await POST(
      new Request("https://app.example/api/checkout", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//) });
  });

  it("subscription status", async () => {
    const handler = createSubscriptionStatusRoute({
      findUserWithSubscription: (email) => db.findUserWithSubscription(email),
      audit: false,
    });
    const response = await handler(new Request("https://app.example/api/subscription/status?email=ada@example.com"));
    expect(await response.json()).toEqual({ hasAccess: false, status: null });
  });

  it("Stripe webhook", async () => {
    db.seedUser({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" });
    const handler = createWebhookRoute({
      findUserByCustomerId: (id) => db.findUserByCustomerId(id),
      upsertSubscription: (data) => db.upsertSubscription(data),
      updateSubscriptionStatus: (id, status) => db.updateSubscriptionStatus(id, status),
      stripe: { secretKey: undefined, webhookSecret: env.STRIPE_WEBHOOK_SECRET },
      audit: false,
    });
    const subscription = {
      id: "sub_1",
      object: "subscription",
      customer: "cus_1",
      status: "active",
      cancel_at_period_end: false,
      items: { data: [{ price: { id: "price_usage" }, current_period_end: 1_900_000_000 }] },
    };
    const body = JSON.stringify(stripeEvent("customer.subscription.created", subscription));
    const response = await handler(
      new Request("https://app.example/api/webhooks/stripe", {
        method: "POST",
        body,
        headers: await signStripePayload(body, env.STRIPE_WEBHOOK_SECRET),
      }),
    );
    expect(await response.json()).toEqual({ received: true });
    expect(db.subscriptions()).toEqual([expect.objectContaining({ id: "sub_1", status: "active", userId: "user_1" })]);
  });

  it("Clerk webhook", async () => {
    const created: string[] = [];
    const handler = createClerkWebhookRoute({
      secret: process.env.CLERK_WEBHOOK_SECRET,
      on: { "user.created": async (user, ctx) => void created.push(`${user.id}:${ctx.eventId}`) },
      audit: false,
    });
    const body = JSON.stringify(clerkEvent("user.created", { id: "user_clerk" }));
    const response = await handler(
      new Request("https://app.example/api/webhooks/clerk", {
        method: "POST",
        body,
        headers: await signSvixPayload(body, env.CLERK_WEBHOOK_SECRET, { id: "msg_usage" }),
      }),
    );
    expect(await response.json()).toEqual({ received: true });
    expect(created).toEqual(["user_clerk:msg_usage"]);
  });

  it("builds every route without any environment (next build)", () => {
    vi.unstubAllEnvs();
    const unset = (name: string) => process.env[`TOLLGATE_UNSET_${name}`];
    expect(() =>
      createCheckoutRoute({
        ...db,
        stripe: { secretKey: unset("A")!, priceId: unset("B")!, successUrl: unset("C")!, cancelUrl: unset("D")! },
      }),
    ).not.toThrow();
    expect(() => createClerkWebhookRoute({ secret: unset("E") })).not.toThrow();
    expect(() => createWebhookRoute({ ...db, stripe: { webhookSecret: unset("F") } })).not.toThrow();
  });
});
