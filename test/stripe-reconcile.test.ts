import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createStripeReconcileRoute, reconcileStripe, type SubscriptionData } from "../src/index.js";
import { stripeSubscription } from "./support/fake-stripe.js";
import { nowSeconds, quietErrors, reconcileSetup, TOKEN } from "./support/reconcile.js";

const DAY = 86_400;
const SUMMARY_KEYS = ["applied", "cursor", "done", "duplicates", "failed", "ignored", "scanned"];

const NOW = Date.parse("2026-11-30T12:00:00Z");

beforeEach(() => {
  quietErrors();
  // A still clock: cursors and windows are whole seconds, so a tick mid-test would move them.
  vi.useFakeTimers({ toFake: ["Date"], now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The parameters of the sweep's first events listing. */
function firstList(t: ReturnType<typeof reconcileSetup>): Record<string, unknown> {
  const [call] = t.stripe.callsOf("events.list");
  if (call === undefined) throw new Error("the sweep did not list events");
  return call.params;
}

const sub = (fields: Record<string, unknown> = {}) => stripeSubscription("sub_1", "cus_1", fields);

describe("createStripeReconcileRoute: events mode replays what the webhook missed", () => {
  it("applies the missed events, counts the delivered ones as duplicates, and answers the contract's shape", async () => {
    const t = reconcileSetup();
    const now = nowSeconds();
    const delivered = t.stripe.emit("customer.subscription.created", sub({ status: "trialing" }), now - 600);
    t.stripe.emit("customer.subscription.updated", sub({ status: "active" }), now - 300);
    t.stripe.emit("invoice.payment_failed", { id: "in_1", customer: "cus_1" }, now - 200);
    t.stripe.emit("charge.succeeded", { id: "ch_1" }, now - 100); // a type nobody handles: not even listed
    expect((await t.deliver(delivered)).status).toBe(200);

    const { status, body, response } = await t.sweep();

    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(SUMMARY_KEYS);
    expect(body).toMatchObject({ scanned: 3, applied: 2, duplicates: 1, ignored: 0, failed: 0, done: true });
    expect(body.cursor).toEqual(expect.any(String));
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(t.db.subscriptions()).toEqual([expect.objectContaining({ id: "sub_1", status: "active" })]);
    // The missed invoice.payment_failed reached the app's own handler.
    expect(t.handled).toEqual(["evt_000003"]);
  });

  it("lists only the handled types and the on types, created since the cursor", async () => {
    const t = reconcileSetup();
    await t.sweep();
    const list = firstList(t);
    expect(list.types).toEqual(
      expect.arrayContaining([
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.payment_failed",
      ]),
    );
    expect((list.types as string[]).length).toBe(5);
    expect(list.limit).toBe(100);
  });

  it("runs events oldest first across pages, though Stripe lists newest first", async () => {
    const t = reconcileSetup();
    const now = nowSeconds();
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) {
      // Three events a second, so ties within one second must keep Stripe's order too.
      ids.push(t.stripe.emit("invoice.payment_failed", { id: `in_${i}` }, now - 1000 + Math.floor(i / 3)).id);
    }
    const { body } = await t.sweep();
    expect(body).toMatchObject({ scanned: 250, applied: 250, done: true });
    expect(t.handled).toEqual(ids);
    expect(t.stripe.callsOf("events.list").length).toBe(3);
  });

  it("applies nothing on a second sweep", async () => {
    const t = reconcileSetup();
    const now = nowSeconds();
    t.stripe.emit("customer.subscription.created", sub(), now - 500);
    t.stripe.emit("invoice.payment_failed", { id: "in_1" }, now - 400);
    expect((await t.sweep()).body).toMatchObject({ applied: 2, done: true });
    const second = await t.sweep();
    expect(second.body).toMatchObject({ applied: 0, failed: 0, done: true });
    expect(t.handled).toEqual(["evt_000002"]);
  });

  it.each([
    ["an event whose customer has no user", "customer.subscription.updated", stripeSubscription("sub_9", "cus_9")],
    ["a checkout in payment mode", "checkout.session.completed", { id: "cs_1", mode: "payment", customer: "cus_1" }],
  ])("counts %s as ignored and still finishes", async (_name, type, object) => {
    const t = reconcileSetup();
    if (type.startsWith("customer.subscription")) t.stripe.putSubscription(object as never);
    t.stripe.emit(type, object as never, nowSeconds() - 100);
    expect((await t.sweep()).body).toMatchObject({ scanned: 1, ignored: 1, applied: 0, done: true });
  });
});

describe("createStripeReconcileRoute: the cursor", () => {
  it.each([
    ["the first run", null, DAY * 3],
    ["a cursor older than Stripe keeps events (30 days)", 40 * DAY, DAY * 3],
    ["a cursor within the 30 days", 10 * DAY, 10 * DAY],
  ])("starts %s at the right second", async (_name, cursorAge, expectedAge) => {
    const t = reconcileSetup();
    const now = nowSeconds();
    if (cursorAge !== null) await t.cursor.set("stripe-reconcile:events", `events:${now - cursorAge}`);
    await t.sweep();
    const gte = (firstList(t).created as { gte: number }).gte;
    expect(Math.abs(gte - (now - expectedAge))).toBeLessThanOrEqual(1);
  });

  it("uses lookbackSeconds for the first run and warns in the audit entry when the cursor is past the horizon", async () => {
    const t = reconcileSetup({ lookbackSeconds: 30 * DAY });
    const now = nowSeconds();
    await t.cursor.set("stripe-reconcile:events", `events:${now - 45 * DAY}`);
    await t.sweep();
    const gte = (firstList(t).created as { gte: number }).gte;
    expect(Math.abs(gte - (now - 30 * DAY))).toBeLessThanOrEqual(1);
    const request = t.entries.find((entry) => entry.route === "stripe-reconcile" && entry.eventId === undefined);
    expect(request).toMatchObject({ level: "warn", syncStatus: "beyond-horizon", status: 200 });
  });

  it("never moves back before events it has not finished, and never lists older ones again", async () => {
    const t = reconcileSetup();
    const now = nowSeconds();
    t.stripe.emit("invoice.payment_failed", { id: "in_1" }, now - 900);
    t.stripe.emit("invoice.payment_failed", { id: "in_2" }, now - 800);
    await t.sweep();
    const saved = await t.cursor.get("stripe-reconcile:events");
    // Everything settled: the cursor sits a minute back, so late-listed events are still found.
    expect(saved).toBe(`events:${now - 60}`);
    await t.sweep();
    const second = t.stripe.callsOf("events.list")[1]?.params.created as { gte: number };
    expect(second.gte).toBe(now - 60);
  });
});

describe("createStripeReconcileRoute: failures and events in flight hold the cursor", () => {
  it("does not skip a failed event: later events are applied, the cursor stays at the failure, the next call retries it", async () => {
    let failures = 1;
    const t = reconcileSetup({
      sync: "payload", // each event writes its own copy, so the failing one is the "active" write
      upsertSubscription: async (data) => {
        if (data.status === "active" && failures-- > 0) throw new Error("deadlock detected");
        await t.db.upsertSubscription(data);
      },
    });
    const now = nowSeconds();
    t.stripe.emit("customer.subscription.created", sub({ status: "trialing" }), now - 900);
    const failing = t.stripe.emit("customer.subscription.updated", sub({ status: "active" }), now - 800);
    t.stripe.emit("invoice.payment_failed", { id: "in_1" }, now - 700);
    const first = await t.sweep();
    expect(first.body).toMatchObject({ scanned: 3, applied: 2, failed: 1, done: false });
    expect(first.body.cursor).toBe(`events:${failing.created}`);
    const failure = t.entries.find((entry) => entry.eventId === failing.id);
    expect(failure).toMatchObject({ route: "stripe-reconcile", outcome: "error", reason: "HANDLER_FAILED" });

    const second = await t.sweep();
    expect(second.body).toMatchObject({ applied: 1, duplicates: 1, failed: 0, done: true });
    expect(t.db.subscriptions()[0]?.status).toBe("active");
  });

  it("treats an event a webhook delivery is processing right now as not done (not failed), then picks it up", async () => {
    const t = reconcileSetup();
    const now = nowSeconds();
    t.stripe.emit("invoice.payment_failed", { id: "in_1" }, now - 900);
    const busy = t.stripe.emit("invoice.payment_failed", { id: "in_2" }, now - 800);
    expect(await t.store.claim(`stripe:${busy.id}`, 60_000)).toBe("claimed");

    const first = await t.sweep();
    expect(first.body).toMatchObject({ scanned: 2, applied: 1, failed: 0, done: false });
    expect(first.body.cursor).toBe(`events:${busy.created}`);
    expect(t.handled).toEqual(["evt_000001"]);

    await t.store.complete(`stripe:${busy.id}`, 60_000); // the delivery finished
    const second = await t.sweep();
    expect(second.body).toMatchObject({ scanned: 1, duplicates: 1, done: true });
    expect(t.handled).toEqual(["evt_000001"]);
  });

  it("hands the causes of a failed event and of a 502 to onError, route stripe-reconcile, and nothing to the console", async () => {
    const reported: Array<{ route: string; code: string; message: string }> = [];
    const t = reconcileSetup({
      upsertSubscription: async () => {
        throw new Error("deadlock detected");
      },
      onError: (error, info) =>
        void reported.push({ route: info.route, code: info.code, message: String((error as Error).cause ?? error) }),
    });
    const console = vi.mocked(globalThis.console.error);
    console.mockClear();
    t.stripe.emit("customer.subscription.updated", sub(), nowSeconds() - 100);
    expect((await t.sweep()).body).toMatchObject({ failed: 1, done: false });
    t.stripe.fail(new Error("api down"));
    expect((await t.sweep()).status).toBe(502);
    expect(reported.map(({ route, code }) => [route, code])).toEqual([
      ["stripe-reconcile", "HANDLER_FAILED"],
      ["stripe-reconcile", "UPSTREAM_ERROR"],
    ]);
    expect(reported[0]?.message).toContain("deadlock detected");
    expect(console).not.toHaveBeenCalled();
  });

  it("answers 502 UPSTREAM_ERROR when listing fails, leaving the cursor as it was", async () => {
    const t = reconcileSetup();
    await t.cursor.set("stripe-reconcile:events", `events:${nowSeconds() - 500}`);
    t.stripe.fail(new Error("api down"));
    const { status, body } = await t.sweep();
    expect(status).toBe(502);
    expect(body).toMatchObject({ code: "UPSTREAM_ERROR", requestId: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain("api down");
    expect(await t.cursor.get("stripe-reconcile:events")).toBe(`events:${nowSeconds() - 500}`);
  });

  it("answers 503 STORE_UNAVAILABLE when the cursor store fails", async () => {
    const t = reconcileSetup({
      cursor: { get: () => Promise.reject(new Error("down")), set: () => Promise.resolve() },
    });
    const { status, body } = await t.sweep();
    expect(status).toBe(503);
    expect(body.code).toBe("STORE_UNAVAILABLE");
  });
});

describe("createStripeReconcileRoute: the time budget", () => {
  it("stops before maxDurationMs with the cursor at the first event not reached, and later calls finish", async () => {
    vi.useFakeTimers({ now: NOW });
    const t = reconcileSetup();
    const now = nowSeconds();
    const events = [0, 1, 2, 3, 4].map((i) => t.stripe.emit("invoice.payment_failed", { id: `in_${i}` }, now - 50 + i));
    const ran: string[] = [];
    const route = createStripeReconcileRoute({
      ...t.db,
      stripe: { client: t.stripe.client },
      cursor: t.cursor,
      audit: false,
      maxDurationMs: 2_500,
      authorize: () => true,
      on: {
        // Each handler run takes one second.
        "invoice.payment_failed": async (_invoice, ctx) => {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          ran.push(ctx.eventId);
        },
      },
    });
    const call = async () => {
      const started = Date.now();
      let answeredAt = 0;
      const pending = route(new Request("https://app.example/api/stripe/reconcile")).then((response) => {
        answeredAt = Date.now();
        return response;
      });
      await vi.advanceTimersByTimeAsync(10_000);
      const body = (await (await pending).json()) as Record<string, unknown>;
      return { body, took: answeredAt - started };
    };

    const first = await call();
    // The budget is 2 500 ms less 250 ms kept for saving: events start at 0, 1 000 and 2 000 ms.
    expect(first.body).toMatchObject({ scanned: 3, applied: 3, done: false, cursor: `events:${events[3]?.created}` });
    expect(first.took).toBe(3_000);
    expect(first.took).toBeLessThanOrEqual(2_500 + 1_000); // maxDurationMs plus the one event in progress
    const second = await call();
    expect(second.body).toMatchObject({ scanned: 2, applied: 2, done: true });
    expect(ran).toEqual(events.map((event) => event.id));
  });

  it("gives up on a listing still running at the deadline and answers in time, cursor unchanged", async () => {
    vi.useFakeTimers({ now: NOW });
    const t = reconcileSetup({ maxDurationMs: 1_000 });
    t.stripe.emit("invoice.payment_failed", { id: "in_1" }, nowSeconds() - 100);
    const saved = `events:${nowSeconds() - 200}`;
    await t.cursor.set("stripe-reconcile:events", saved);
    t.stripe.delay(5_000);
    const started = Date.now();
    let answeredAt = 0;
    const pending = t.sweep().then((result) => {
      answeredAt = Date.now();
      return result;
    });
    await vi.advanceTimersByTimeAsync(6_000);
    expect((await pending).body).toMatchObject({ scanned: 0, done: false, cursor: saved });
    expect(answeredAt - started).toBeLessThanOrEqual(1_000);
  });
});

describe("createStripeReconcileRoute: subscriptions mode", () => {
  it("walks every subscription (status all, across pages) and writes Stripe's current copy", async () => {
    const t = reconcileSetup();
    for (let i = 0; i < 230; i++) {
      t.db.seedUser({ id: `user_c${i}`, email: `c${i}@example.com`, stripeCustomerId: `cus_c${i}` });
      t.stripe.putSubscription(
        stripeSubscription(`sub_${i}`, `cus_c${i}`, { status: i % 10 === 0 ? "canceled" : "active" }),
      );
    }
    t.stripe.putSubscription(stripeSubscription("sub_orphan", "cus_nobody"));
    const { body } = await t.sweep("?mode=subscriptions");
    expect(body).toMatchObject({ scanned: 231, applied: 230, ignored: 1, failed: 0, done: true });
    expect(body.cursor).toBe("subscriptions:end");
    expect(t.stripe.callsOf("subscriptions.list").map((call) => call.params.status)).toEqual(["all", "all", "all"]);
    const rows = new Map(t.db.subscriptions().map((row: SubscriptionData) => [row.id, row]));
    expect(rows.get("sub_10")).toMatchObject({ status: "canceled", userId: "user_c10", priceId: "price_basic" });
    expect(rows.size).toBe(230);
  });

  it("stops in time and resumes after the last subscription written", async () => {
    vi.useFakeTimers({ now: NOW });
    const t = reconcileSetup({
      maxDurationMs: 1_000,
      upsertSubscription: async (data) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        await t.db.upsertSubscription(data);
      },
    });
    for (let i = 0; i < 5; i++) t.stripe.putSubscription(stripeSubscription(`sub_${i}`, "cus_1"));
    const run = async () => {
      const pending = t.sweep("?mode=subscriptions");
      await vi.advanceTimersByTimeAsync(5_000);
      return (await pending).body;
    };
    // Newest first; writes start at 0, 400 and 800 ms of a 900 ms budget.
    expect(await run()).toMatchObject({ scanned: 3, applied: 3, done: false, cursor: "subscriptions:sub_2" });
    expect(await run()).toMatchObject({ scanned: 2, applied: 2, done: true, cursor: "subscriptions:end" });
    expect(t.stripe.callsOf("subscriptions.list").at(-1)?.params.starting_after).toBe("sub_2");
    expect(
      t.db
        .subscriptions()
        .map((row) => row.id)
        .sort(),
    ).toEqual(["sub_0", "sub_1", "sub_2", "sub_3", "sub_4"]);
  });
});

describe("createStripeReconcileRoute: requests", () => {
  it.each([
    ["no authorization header", {}, 401, "UNAUTHORIZED"],
    ["a wrong token", { headers: { authorization: "Bearer nope" } }, 401, "UNAUTHORIZED"],
    ["PUT", { method: "PUT" }, 405, "METHOD_NOT_ALLOWED"],
  ])("refuses %s without calling Stripe", async (_name, init, status, code) => {
    const t = reconcileSetup();
    const { status: got, body } = await t.sweep("", { headers: {}, ...init });
    expect([got, body.code]).toEqual([status, code]);
    expect(t.stripe.calls).toEqual([]);
  });

  it.each([
    ["a truthy non-boolean", () => "yes" as unknown as boolean, 401, "UNAUTHORIZED"],
    ["a throw", () => Promise.reject(new Error("session store down")), 500, "INTERNAL_ERROR"],
  ])("treats %s from authorize as no", async (_name, authorize, status, code) => {
    const t = reconcileSetup({ authorize });
    const { status: got, body } = await t.sweep();
    expect([got, body.code]).toEqual([status, code]);
    expect(t.stripe.calls).toEqual([]);
  });

  it.each(["GET", "POST"])("answers %s", async (method) => {
    const t = reconcileSetup();
    const { status } = await t.sweep("", { method });
    expect(status).toBe(200);
  });

  it.each([["?mode=everything"], ["?mode=EVENTS"]])("refuses %s with VALIDATION_ERROR", async (query) => {
    const t = reconcileSetup();
    const { status, body } = await t.sweep(query);
    expect([status, body.code, body.details]).toEqual([400, "VALIDATION_ERROR", { mode: [expect.any(String)] }]);
    expect(t.stripe.calls).toEqual([]);
  });

  it("answers CONFIGURATION_ERROR (after authorization) when Stripe cannot be called", async () => {
    const t = reconcileSetup({ stripe: { secretKey: undefined } });
    expect((await t.sweep()).body.code).toBe("CONFIGURATION_ERROR");
    expect((await t.sweep("", { headers: {} })).body.code).toBe("UNAUTHORIZED");
  });

  it.each([
    ["authorize missing", { authorize: undefined }, "authorize must be a function"],
    ["a cursor without set", { cursor: { get: async () => null } }, "cursor.set must be a function"],
    ["lookbackSeconds 0", { lookbackSeconds: 0 }, "lookbackSeconds must be a positive whole number of seconds"],
    [
      "maxDurationMs NaN",
      { maxDurationMs: Number.NaN },
      "maxDurationMs must be a positive whole number of milliseconds",
    ],
    ["an on handler that is not a function", { on: { "invoice.paid": 1 } }, 'on["invoice.paid"] must be a function'],
  ])("throws a TypeError at creation for %s", (_name, override, message) => {
    const t = reconcileSetup();
    const options = {
      ...t.db,
      stripe: { client: t.stripe.client },
      authorize: () => true,
      ...override,
    } as unknown as Parameters<typeof createStripeReconcileRoute>[0];
    expect(() => createStripeReconcileRoute(options)).toThrow(new TypeError(`tollgate: ${message}`));
  });

  it("audits each applied event like a webhook delivery, and the request itself", async () => {
    const t = reconcileSetup();
    const event = t.stripe.emit("customer.subscription.updated", sub(), nowSeconds() - 100);
    await t.sweep();
    const perEvent = t.entries.find((entry) => entry.eventId === event.id);
    expect(perEvent).toMatchObject({
      route: "stripe-reconcile",
      eventType: "customer.subscription.updated",
      outcome: "processed",
      status: 200,
      mutations: ["upsertSubscription"],
      syncStatus: "refetched",
    });
    const request = t.entries.at(-1);
    expect(request).toMatchObject({ route: "stripe-reconcile", method: "POST", outcome: "processed", status: 200 });
    expect(request?.eventId).toBeUndefined();
  });
});

describe("reconcileStripe", () => {
  it("runs to the end, ignoring maxDurationMs, and reports progress", async () => {
    const t = reconcileSetup();
    const now = nowSeconds();
    for (let i = 0; i < 120; i++) t.stripe.emit("invoice.payment_failed", { id: `in_${i}` }, now - 3_000 + i * 20);
    const progress: Array<{ scanned: number; fraction: number | null }> = [];
    const summary = await reconcileStripe(
      {
        ...t.db,
        stripe: { client: t.stripe.client },
        cursor: t.cursor,
        audit: false,
        maxDurationMs: 1,
        on: { "invoice.payment_failed": () => {} },
      },
      { mode: "events", onProgress: (p) => progress.push({ scanned: p.scanned, fraction: p.fraction }) },
    );
    expect(summary).toEqual({
      scanned: 120,
      applied: 120,
      duplicates: 0,
      ignored: 0,
      failed: 0,
      done: true,
      cursor: `events:${now - 60}`,
    });
    expect(await t.cursor.get("stripe-reconcile:events")).toBe(summary.cursor);
    expect(progress.map((p) => p.scanned)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    const fractions = progress.map((p) => p.fraction as number);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBeGreaterThan(0.9);
  });

  it("rejects with UPSTREAM_ERROR when listing fails", async () => {
    const t = reconcileSetup();
    t.stripe.fail(new Error("api down"));
    await expect(reconcileStripe({ ...t.db, stripe: { client: t.stripe.client }, audit: false })).rejects.toMatchObject(
      {
        code: "UPSTREAM_ERROR",
      },
    );
  });

  it("walks subscriptions with progress and no fraction", async () => {
    const t = reconcileSetup();
    for (let i = 0; i < 3; i++) t.stripe.putSubscription(stripeSubscription(`sub_${i}`, "cus_1"));
    const seen: Array<number | null> = [];
    const summary = await reconcileStripe(
      { ...t.db, stripe: { client: t.stripe.client }, audit: false },
      { mode: "subscriptions", onProgress: (p) => seen.push(p.fraction) },
    );
    expect(summary).toMatchObject({ scanned: 3, applied: 3, done: true, cursor: "subscriptions:end" });
    expect(seen).toEqual([null, null, null]);
  });

  it("refuses an unknown mode", async () => {
    const t = reconcileSetup();
    await expect(
      reconcileStripe({ ...t.db, stripe: { client: t.stripe.client } }, { mode: "all" as never }),
    ).rejects.toThrow(TypeError);
  });
});

it("TOKEN is what the setup's authorize expects", () => expect(TOKEN).toMatch(/^Bearer /));
