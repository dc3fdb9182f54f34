import { createServer, type IncomingHttpHeaders } from "node:http";
import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AuditEntry, createWebhookRoute, type SecurityWarningEntry } from "../src/index.js";
import { toNodeHandler } from "../src/node.js";
import { createMemoryAdapter, type DeliveryAttempt, type StripeStandIn, startStripeStandIn } from "../src/testing.js";

// Signed delivery of the stand-in's events to a webhook URL, with seeded drops, duplicates and reordering.

const SECRET = "whsec_stand_in_delivery";
const verifier = new Stripe("sk_test_verify_only");

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A local webhook endpoint that records what reaches it and answers `status`. */
async function receiver(status = 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ body: new TextDecoder().decode(Buffer.concat(chunks)), headers: req.headers });
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ received: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const ids = () => received.map((entry) => (JSON.parse(entry.body) as { id: string }).id);
  return { url: `http://127.0.0.1:${port}/webhook`, received, ids, close: () => new Promise((r) => server.close(r)) };
}

let standIn: StripeStandIn;
let closers: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  standIn = await startStripeStandIn({ seed: 20261129 });
  closers = [() => standIn.close()];
});
afterEach(async () => {
  for (const close of closers.reverse()) await close();
});

async function endpoint(status = 200) {
  const r = await receiver(status);
  closers.push(r.close);
  return r;
}

/** `count` moves, each recording one event (customer.created). */
function record(count: number): string[] {
  for (let i = 0; i < count; i++) standIn.customers.create({ email: `c${i}@example.com` });
  return standIn.events.slice(-count).map((event) => event.id);
}

const outcomes = (attempts: DeliveryAttempt[]) =>
  attempts.map((a) => `${a.event.id}:${a.outcome}${a.duplicate ? ":dup" : ""}`);

describe("deliverTo", () => {
  it("delivers each recorded event once, in order, signed so that Stripe's own verifier accepts it", async () => {
    const app = await endpoint();
    const delivery = standIn.deliverTo({ url: app.url, secret: SECRET });
    const ids = record(5);
    await delivery.flush();
    expect(app.ids()).toEqual(ids);
    for (const { body, headers } of app.received) {
      const event = await verifier.webhooks.constructEventAsync(body, headers["stripe-signature"] as string, SECRET);
      expect(event.object).toBe("event");
      expect(headers["content-type"]).toMatch(/^application\/json/);
    }
    expect(delivery.attempts.map((a) => [a.outcome, a.status])).toEqual(Array(5).fill(["sent", 200]));
  });

  it.each([
    ["drop 30 %", { drop: 0.3 }],
    ["duplicate 20 %", { duplicate: 0.2 }],
    ["reorder", { reorder: true }],
    ["all three", { drop: 0.3, duplicate: 0.2, reorder: true }],
  ])("%s: the same seed → the same deliveries; every event is sent or dropped", async (_name, chaos) => {
    const runs: string[][] = [];
    for (const run of [1, 2]) {
      const stand = run === 1 ? standIn : await startStripeStandIn({ seed: 20261129 });
      if (run === 2) closers.push(() => stand.close());
      const app = await endpoint();
      const delivery = stand.deliverTo({ url: app.url, secret: SECRET, paused: true, seed: 99, ...chaos });
      for (let i = 0; i < 40; i++) stand.customers.create({ email: `c${i}@example.com` });
      await delivery.flush();
      const attempts = delivery.attempts;
      const recorded = stand.events.map((event) => event.id);
      expect(new Set(attempts.map((a) => a.event.id))).toEqual(new Set(recorded));
      expect(
        attempts
          .filter((a) => a.outcome === "sent")
          .map((a) => a.event.id)
          .sort(),
      ).toEqual([...app.ids()].sort());
      const dropped = attempts.filter((a) => a.outcome === "dropped").length;
      const duplicates = attempts.filter((a) => a.duplicate).length;
      expect(dropped > 0).toBe("drop" in chaos);
      expect(duplicates > 0).toBe("duplicate" in chaos);
      const inOrder = app
        .ids()
        .every((id, i, all) => i === 0 || recorded.indexOf(id) >= recorded.indexOf(all[i - 1] as string));
      expect(inOrder).toBe(!("reorder" in chaos));
      runs.push(
        [...outcomes(attempts), ...app.ids()].map((line) =>
          line.replace(/evt_\w+/, (id) => String(recorded.indexOf(id))),
        ),
      );
    }
    expect(runs[1]).toEqual(runs[0]);
  });

  it("duplicate 1 → every event twice; drop 1 → nothing reaches the app", async () => {
    const twice = await endpoint();
    const never = await endpoint();
    const a = standIn.deliverTo({ url: twice.url, secret: SECRET, duplicate: 1 });
    const b = standIn.deliverTo({ url: never.url, secret: SECRET, drop: 1 });
    const ids = record(3);
    await Promise.all([a.flush(), b.flush()]);
    expect(twice.ids()).toEqual(ids.flatMap((id) => [id, id]));
    expect(never.received).toEqual([]);
    expect(b.attempts.map((attempt) => attempt.outcome)).toEqual(["dropped", "dropped", "dropped"]);
  });

  it("pause() holds deliveries back until flush(); resume() delivers what was held", async () => {
    const app = await endpoint();
    const delivery = standIn.deliverTo({ url: app.url, secret: SECRET });
    delivery.pause();
    const held = record(2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.received).toEqual([]);
    expect(delivery.pending).toBe(2);
    expect((await delivery.flush()).map((a) => a.event.id)).toEqual(held);
    const later = record(1);
    await delivery.resume();
    expect(app.ids()).toEqual([...held, ...later]);
    expect(delivery.pending).toBe(0);
  });

  it("fail(event) → the delivery fails as in an outage; redeliver() sends those again", async () => {
    const app = await endpoint();
    let outage = true;
    const delivery = standIn.deliverTo({ url: app.url, secret: SECRET, fail: () => outage });
    const ids = record(3);
    await delivery.flush();
    expect(app.received).toEqual([]);
    expect(delivery.attempts.map((a) => a.outcome)).toEqual(["failed", "failed", "failed"]);
    outage = false;
    const again = await delivery.redeliver((attempt) => attempt.outcome === "failed");
    expect(again.map((a) => [a.event.id, a.outcome, a.status])).toEqual(ids.map((id) => [id, "sent", 200]));
    expect(app.ids()).toEqual(ids);
  });

  it("an app that answers 500 → outcome sent with status 500 and the body; several URLs share the events", async () => {
    const failing = await endpoint(500);
    const other = await endpoint();
    const delivery = standIn.deliverTo({ url: [failing.url, other.url], secret: SECRET });
    record(12);
    await delivery.flush();
    expect(failing.received.length).toBeGreaterThan(0);
    expect(other.received.length).toBeGreaterThan(0);
    expect(failing.received.length + other.received.length).toBe(12);
    expect(delivery.attempts.filter((a) => a.url === failing.url).every((a) => a.status === 500)).toBe(true);
    expect(delivery.attempts[0]?.body).toBe('{"received":true}');
  });

  it.each([
    [{ url: "ftp://x", secret: SECRET }, TypeError],
    [{ url: [], secret: SECRET }, TypeError],
    [{ url: "http://127.0.0.1:1", secret: "" }, TypeError],
    [{ url: "http://127.0.0.1:1", secret: SECRET, drop: 1.5 }, RangeError],
    [{ url: "http://127.0.0.1:1", secret: SECRET, duplicate: -0.1 }, RangeError],
    [{ url: "http://127.0.0.1:1", secret: SECRET, concurrency: 0 }, RangeError],
    [{ url: "http://127.0.0.1:1", secret: SECRET, handler: "not a function" as never }, TypeError],
  ])("%j → %s", (options, error) => {
    expect(() => standIn.deliverTo(options)).toThrow(error);
  });
});

describe("delivering to tollgate's own webhook route", () => {
  it("checkout completed on the stand-in → the app's subscription row, refetched from the stand-in", async () => {
    const adapter = createMemoryAdapter();
    const user = adapter.seedUser({ id: "user_1", email: "ada@example.com" });
    const audit: (AuditEntry | SecurityWarningEntry)[] = [];
    const route = createWebhookRoute({
      ...adapter,
      audit: (entry) => void audit.push(entry),
      stripe: { webhookSecret: SECRET, client: standIn.client },
    });
    const server = createServer(toNodeHandler(route));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as { port: number }).port;
    const delivery = standIn.deliverTo({ url: `http://127.0.0.1:${port}/`, secret: SECRET, reorder: true });

    const customer = standIn.customers.create({ email: user.email, metadata: { userId: user.id } });
    await adapter.updateUser(user.id, { stripeCustomerId: customer.id });
    const session = await standIn.client.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      client_reference_id: user.id,
      line_items: [{ price: "price_pro", quantity: 1 }],
      success_url: "http://127.0.0.1/done",
    });
    const { subscription } = standIn.completeCheckout(session.id);
    standIn.subscriptions.update(subscription?.id as string, { cancel_at_period_end: true });
    await delivery.flush();

    expect(delivery.attempts.filter((a) => a.outcome === "sent").every((a) => a.status === 200)).toBe(true);
    expect(new Set(audit.map((entry) => ("outcome" in entry ? entry.outcome : entry.level)))).toEqual(
      new Set(["processed", "ignored"]),
    );
    expect(adapter.subscriptions()).toEqual([
      expect.objectContaining({
        id: subscription?.id,
        userId: "user_1",
        stripeCustomerId: customer.id,
        status: "active",
        priceId: "price_pro",
      }),
    ]);
  });
});
