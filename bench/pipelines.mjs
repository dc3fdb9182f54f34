// P1 and P2: tollgate's full webhook pipelines against bare peer routes, in one process.
import Stripe from "stripe";
import { Webhook } from "svix";
import { Bench } from "tinybench";
import * as tollgate from "tollgate";
import { cycle, STRIPE_SECRET, SVIX_SECRET, stripePool, svixPool } from "./fixtures.mjs";

const URL = "http://127.0.0.1/webhook";
const noop = async () => {};
const user = { id: "user_bench", email: "bench@example.com", stripeCustomerId: "cus_bench" };

function stripeRoute() {
  return tollgate.createWebhookRoute({
    findUserByCustomerId: async () => user,
    upsertSubscription: noop,
    updateSubscriptionStatus: noop,
    stripe: { webhookSecret: STRIPE_SECRET },
    sync: "payload",
    audit: () => {},
    idempotency: { ttlMs: 300_000 },
  });
}

/** What most apps write: text(), constructEvent, Response.json. */
function bareStripeRoute() {
  const stripe = new Stripe("sk_test_bench");
  return async (request) => {
    const body = await request.text();
    try {
      stripe.webhooks.constructEvent(body, request.headers.get("stripe-signature"), STRIPE_SECRET);
    } catch {
      return Response.json({ error: "invalid" }, { status: 400 });
    }
    return Response.json({ received: true });
  };
}

function clerkRoute() {
  return tollgate.createClerkWebhookRoute({ secret: SVIX_SECRET, on: { "session.created": noop }, audit: () => {} });
}

function bareSvixRoute() {
  const webhook = new Webhook(SVIX_SECRET);
  return async (request) => {
    const body = await request.text();
    try {
      webhook.verify(body, Object.fromEntries(request.headers));
    } catch {
      return Response.json({ error: "invalid" }, { status: 400 });
    }
    return Response.json({ received: true });
  };
}

const ROUNDS = 3;

/**
 * Runs both sides in alternating rounds (tollgate, peer, tollgate, …) so neither profits from the
 * other's JIT warm-up, and keeps each side's best round. Every delivery is a distinct signed event,
 * so tollgate's idempotency layer never short-cuts a duplicate.
 */
async function compare(name, iterations, tollgate, peer, makePool) {
  const perRound = Math.floor(iterations / ROUNDS);
  const warmup = Math.min(500, Math.floor(perRound / 10));
  const size = ROUNDS * (perRound + warmup) + 10;
  const sides = {
    tollgate: { next: cycle(await makePool(size)), route: tollgate(), means: [] },
    peer: { next: cycle(await makePool(size)), route: peer(), means: [] },
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [side, { next, route, means }] of Object.entries(sides)) {
      const bench = new Bench({ time: 0, iterations: perRound, warmupIterations: warmup, warmupTime: 0 });
      bench.add(side, async () => {
        const { body, headers } = next();
        const response = await route(new Request(URL, { method: "POST", body, headers }));
        if (response.status !== 200) throw new Error(`${name} ${side}: status ${response.status}`);
        await response.arrayBuffer();
      });
      await bench.run();
      means.push(bench.tasks[0].result.latency.mean * 1000);
    }
  }
  return { tollgate: Math.min(...sides.tollgate.means), peer: Math.min(...sides.peer.means) };
}

export async function runP1() {
  const rows = [];
  for (const [bytes, iterations] of [
    [1024, 20_000],
    [10_240, 10_000],
  ]) {
    const result = await compare(`P1 ${bytes}`, iterations, stripeRoute, bareStripeRoute, (n) => stripePool(n, bytes));
    rows.push({ id: `P1 ${bytes / 1024} KB`, ...result, target: 1.1, better: "lower" });
  }
  return rows;
}

export async function runP2() {
  const result = await compare("P2", 10_000, clerkRoute, bareSvixRoute, (n) => svixPool(n, 10_240));
  return [{ id: "P2 10 KB", ...result, target: 0.5, better: "lower" }];
}
