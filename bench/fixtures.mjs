// Shared fixtures for the benchmarks: signed payloads of a given size with distinct event ids.
import { signStripePayload, signSvixPayload } from "tollgate/testing";

export const STRIPE_SECRET = "whsec_bench_secret_0123456789";
export const SVIX_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** A JSON string of roughly `bytes` bytes: a Stripe-like event with padding in metadata. */
export function stripeBody(id, bytes) {
  const base = {
    id,
    object: "event",
    api_version: "2025-03-31.basil",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "customer.subscription.updated",
    data: {
      object: {
        id: "sub_bench",
        object: "subscription",
        customer: "cus_bench",
        status: "active",
        cancel_at_period_end: false,
        items: {
          object: "list",
          data: [{ id: "si_bench", price: { id: "price_bench" }, current_period_end: 1900000000 }],
        },
        metadata: { pad: "" },
      },
    },
  };
  const size = JSON.stringify(base).length;
  base.data.object.metadata.pad = "x".repeat(Math.max(0, bytes - size));
  return JSON.stringify(base);
}

export function clerkBody(bytes) {
  const base = {
    type: "session.created",
    object: "event",
    timestamp: Date.now(),
    data: { id: "sess_bench", object: "session", user_id: "user_bench", status: "active", pad: "" },
  };
  base.data.pad = "x".repeat(Math.max(0, bytes - JSON.stringify(base).length));
  return JSON.stringify(base);
}

/** `count` distinct signed Stripe deliveries of about `bytes` bytes each. */
export async function stripePool(count, bytes) {
  const pool = [];
  for (let i = 0; i < count; i++) {
    const body = stripeBody(`evt_bench_${bytes}_${i}`, bytes);
    pool.push({
      body,
      headers: { "content-type": "application/json", ...(await signStripePayload(body, STRIPE_SECRET)) },
    });
  }
  return pool;
}

/** `count` distinct signed Svix deliveries of about `bytes` bytes each. */
export async function svixPool(count, bytes) {
  const body = clerkBody(bytes);
  const pool = [];
  for (let i = 0; i < count; i++) {
    const headers = await signSvixPayload(body, SVIX_SECRET, { id: `msg_bench_${bytes}_${i}` });
    pool.push({ body, headers: { "content-type": "application/json", ...headers } });
  }
  return pool;
}

export function cycle(pool) {
  let index = 0;
  return () => pool[index++ % pool.length];
}

const noop = async () => {};
const benchUser = { id: "user_bench", email: "bench@example.com", stripeCustomerId: "cus_bench" };

/** The no-op database both sides of every comparison write to. */
export const benchAdapter = {
  findUserByCustomerId: async () => benchUser,
  upsertSubscription: noop,
  updateSubscriptionStatus: noop,
};

/**
 * The route the benchmarks drive, from a loaded tollgate module: the Stripe webhook route in payload
 * mode over the no-op adapter, or the Clerk route with a no-op `session.created` handler.
 */
export function benchRoute(tollgate, mode) {
  return mode === "clerk"
    ? tollgate.createClerkWebhookRoute({ secret: SVIX_SECRET, on: { "session.created": noop }, audit: () => {} })
    : tollgate.createWebhookRoute({
        ...benchAdapter,
        stripe: { webhookSecret: STRIPE_SECRET },
        sync: "payload",
        audit: () => {},
        idempotency: { ttlMs: 300_000 },
      });
}
