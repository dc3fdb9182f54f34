import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StandInEvent, type StripeStandIn, startStripeStandIn } from "../src/testing.js";

// Each lifecycle move records the events Stripe would, with snapshots of the objects at that moment,
// on the stand-in's clock.

const DAY = 86_400;
const T0 = 1_800_000_000;
let standIn: StripeStandIn;
beforeEach(async () => {
  standIn = await startStripeStandIn({ seed: 7, startTime: T0 });
});
afterEach(() => standIn.close());

/** Events recorded by `move`, as `type status` lines (the subscription's status, or the object's). */
function recorded(move: () => unknown): { events: StandInEvent[]; lines: string[] } {
  const before = standIn.events.length;
  move();
  const events = standIn.events.slice(before);
  return { events, lines: events.map((event) => `${event.type} ${String(event.data.object.status ?? "")}`.trim()) };
}

async function checkout(options: { trialDays?: number; billingMode?: "flexible" | "classic" } = {}) {
  const customer = await standIn.client.customers.create({ email: "ada@example.com" });
  const session = await standIn.client.checkout.sessions.create({
    mode: "subscription",
    customer: customer.id,
    line_items: [{ price: "price_pro", quantity: 1 }],
    client_reference_id: "user_1",
    subscription_data: {
      metadata: { userId: "user_1" },
      ...(options.trialDays ? { trial_period_days: options.trialDays } : {}),
      ...(options.billingMode ? { billing_mode: { type: options.billingMode } } : {}),
    },
    success_url: "http://127.0.0.1/done",
  });
  const done = standIn.completeCheckout(session.id);
  return { session, id: done.subscription?.id as string };
}

describe("completing a Checkout Session", () => {
  it("records the subscription, its first invoice, then checkout.session.completed", async () => {
    const customer = await standIn.client.customers.create({ email: "ada@example.com" });
    const session = await standIn.client.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: "price_pro" }],
      success_url: "http://127.0.0.1/done",
    });
    const { lines, events } = recorded(() => standIn.completeCheckout(session.id));
    expect(lines).toEqual([
      "customer.subscription.created active",
      "invoice.created open",
      "invoice.finalized open",
      "invoice.paid paid",
      "invoice.payment_succeeded paid",
      "checkout.session.completed complete",
    ]);
    const subscription = events[0]?.data.object;
    expect(events.at(-1)?.data.object).toMatchObject({ subscription: subscription?.id, customer: customer.id });
    expect(subscription).toMatchObject({ latest_invoice: events[1]?.data.object.id, customer: customer.id });
    for (const event of events) {
      expect(event).toMatchObject({
        id: expect.stringMatching(/^evt_\w{24}$/),
        object: "event",
        api_version: "2026-10-28.endive",
        created: T0,
        livemode: false,
      });
    }
  });

  it.each([
    ["a customer", { customer: true, email: undefined }, "ada@example.com"],
    ["customer_email only", { customer: false, email: "grace@example.com" }, "grace@example.com"],
  ])("a session with %s → customer_details.email %s", async (_name, setup, email) => {
    const customer = setup.customer
      ? (await standIn.client.customers.create({ email: "ada@example.com" })).id
      : undefined;
    const session = await standIn.client.checkout.sessions.create({
      mode: "subscription",
      ...(customer ? { customer } : { customer_email: setup.email as string }),
      line_items: [{ price: "price_pro" }],
      success_url: "http://127.0.0.1/done",
    });
    const done = standIn.completeCheckout(session.id);
    expect(done.session).toMatchObject({ status: "complete", customer_details: { email }, customer: done.customer.id });
    expect(done.customer).toMatchObject({ email });
  });

  it("a session completes once: again → 400, no events", async () => {
    const { session } = await checkout();
    const { events } = recorded(() => expect(() => standIn.completeCheckout(session.id)).toThrow(/no longer active/));
    expect(events).toEqual([]);
  });
});

describe("subscription moves → events, as Stripe records them", () => {
  it.each([
    [
      "trial: checkout with 7 days → trialing; 7 days later → active, paid",
      { trialDays: 7 },
      (id: string) => {
        expect(standIn.subscriptions.retrieve(id)).toMatchObject({ status: "trialing", trial_end: T0 + 7 * DAY });
        standIn.advance(7 * DAY);
      },
      [
        "invoice.created open",
        "invoice.finalized open",
        "invoice.paid paid",
        "invoice.payment_succeeded paid",
        "customer.subscription.updated active",
      ],
      { status: "active", trial_end: T0 + 7 * DAY },
    ],
    [
      "price change",
      {},
      (id: string) => standIn.subscriptions.update(id, { price: "price_team" }),
      ["customer.subscription.updated active"],
      { items: { data: [expect.objectContaining({ price: expect.objectContaining({ id: "price_team" }) })] } },
    ],
    [
      "cancellation at the period end, flexible billing → cancel_at = period end, cancel_at_period_end false",
      { billingMode: "flexible" as const },
      (id: string) => standIn.subscriptions.update(id, { cancel_at_period_end: true }),
      ["customer.subscription.updated active"],
      { cancel_at: T0 + 30 * DAY, cancel_at_period_end: false, canceled_at: T0, billing_mode: { type: "flexible" } },
    ],
    [
      "cancellation at the period end, classic billing → cancel_at_period_end true",
      { billingMode: "classic" as const },
      (id: string) => standIn.subscriptions.update(id, { cancel_at_period_end: true }),
      ["customer.subscription.updated active"],
      { cancel_at: T0 + 30 * DAY, cancel_at_period_end: true, billing_mode: { type: "classic" } },
    ],
    [
      "cancellation on another date",
      {},
      (id: string) => standIn.subscriptions.update(id, { cancel_at: T0 + 10 * DAY }),
      ["customer.subscription.updated active"],
      { cancel_at: T0 + 10 * DAY, cancel_at_period_end: false },
    ],
    [
      "resume: a scheduled cancellation undone",
      {},
      (id: string) => {
        standIn.subscriptions.update(id, { cancel_at_period_end: true });
        standIn.subscriptions.resume(id);
      },
      ["customer.subscription.updated active", "customer.subscription.updated active"],
      { cancel_at: null, cancel_at_period_end: false, canceled_at: null },
    ],
    [
      "payments fail at renewal → past_due",
      {},
      (id: string) => {
        standIn.subscriptions.failPayments(id);
        standIn.advance(30 * DAY);
      },
      [
        "invoice.created open",
        "invoice.finalized open",
        "invoice.payment_failed open",
        "customer.subscription.updated past_due",
      ],
      { status: "past_due", items: { data: [expect.objectContaining({ current_period_start: T0 + 30 * DAY })] } },
    ],
    [
      "past_due, then the invoice is paid → active",
      {},
      (id: string) => {
        standIn.subscriptions.failPayments(id);
        standIn.subscriptions.renew(id);
        standIn.subscriptions.pay(id);
      },
      [
        "invoice.created open",
        "invoice.finalized open",
        "invoice.payment_failed open",
        "customer.subscription.updated past_due",
        "invoice.paid paid",
        "invoice.payment_succeeded paid",
        "customer.subscription.updated active",
      ],
      { status: "active" },
    ],
    [
      "deletion now",
      {},
      (id: string) => standIn.subscriptions.cancel(id),
      ["customer.subscription.deleted canceled"],
      { status: "canceled", ended_at: T0, cancellation_details: { reason: "cancellation_requested" } },
    ],
    [
      "a scheduled cancellation happens when the clock reaches it",
      {},
      (id: string) => {
        standIn.subscriptions.update(id, { cancel_at_period_end: true });
        standIn.advance(45 * DAY);
      },
      ["customer.subscription.updated active", "customer.subscription.deleted canceled"],
      { status: "canceled", ended_at: T0 + 30 * DAY },
    ],
    [
      "renewal when the period ends",
      {},
      () => standIn.advance(30 * DAY),
      [
        "invoice.created open",
        "invoice.finalized open",
        "invoice.paid paid",
        "invoice.payment_succeeded paid",
        "customer.subscription.updated active",
      ],
      { items: { data: [expect.objectContaining({ current_period_end: T0 + 60 * DAY })] } },
    ],
  ])("%s", async (_name, options, move, lines, state) => {
    const { id } = await checkout(options);
    const moved = recorded(() => move(id));
    expect(moved.lines).toEqual(lines);
    expect(standIn.subscriptions.retrieve(id)).toMatchObject(state);
    // The last event's snapshot is the subscription's state at that moment: now, here.
    const lastSubscriptionEvent = moved.events
      .filter((event) => event.type.startsWith("customer.subscription."))
      .at(-1);
    expect(lastSubscriptionEvent?.data.object).toEqual(standIn.subscriptions.retrieve(id));
  });

  it("updated events carry previous_attributes with the old values", async () => {
    const { id } = await checkout();
    const { events } = recorded(() =>
      standIn.subscriptions.update(id, { cancel_at_period_end: true, metadata: { plan: "pro" } }),
    );
    expect(events[0]?.data.previous_attributes).toEqual({
      cancel_at: null,
      canceled_at: null,
      cancellation_details: { comment: null, feedback: null, reason: null },
      metadata: { userId: "user_1" },
    });
  });

  it("event snapshots do not change when the subscription does later", async () => {
    const { id } = await checkout();
    const created = standIn.events.find((event) => event.type === "customer.subscription.created");
    standIn.subscriptions.cancel(id);
    expect(created?.data.object.status).toBe("active");
  });

  it("the clock orders events: created follows advance()", async () => {
    const { id } = await checkout({ trialDays: 3 });
    standIn.advance(DAY);
    standIn.subscriptions.update(id, { price: "price_team" });
    standIn.advance(2 * DAY + 5);
    const created = standIn.events.map((event) => event.created);
    expect(created).toEqual([...created].sort((a, b) => a - b));
    expect(new Set(created)).toEqual(new Set([T0, T0 + DAY, T0 + 3 * DAY]));
    expect(standIn.now()).toBe(T0 + 3 * DAY + 5);
  });

  it.each([
    ["an unknown subscription", () => standIn.subscriptions.update("sub_nope", { price: "p" }), /No such subscription/],
    [
      "a canceled one",
      (id: string) => {
        standIn.subscriptions.cancel(id);
        standIn.subscriptions.update(id, { price: "p" });
      },
      /canceled/,
    ],
    ["ending a trial that is not", (id: string) => standIn.subscriptions.endTrial(id), /not trialing/],
    ["paying with no open invoice", (id: string) => standIn.subscriptions.pay(id), /no open invoice/],
    ["moving the clock back", () => standIn.advance(-1), /number ≥ 0/],
  ])("%s → an error, nothing recorded", async (_name, move, message) => {
    const { id } = await checkout();
    const before = standIn.events.filter((event) => event.type !== "customer.subscription.deleted").length;
    expect(() => move(id)).toThrow(message);
    expect(standIn.events.filter((event) => event.type !== "customer.subscription.deleted")).toHaveLength(before);
  });
});

describe("the same moves over HTTP, with the SDK", () => {
  it("POST /v1/subscriptions/:id and DELETE record events with the request's id and idempotency key", async () => {
    const { id } = await checkout();
    const updated = await standIn.client.subscriptions.update(
      id,
      { cancel_at_period_end: true },
      { idempotencyKey: "cancel-1" },
    );
    expect(updated).toMatchObject({ cancel_at: T0 + 30 * DAY, cancel_at_period_end: false });
    expect(standIn.events.at(-1)).toMatchObject({
      type: "customer.subscription.updated",
      request: { id: updated.lastResponse.requestId, idempotency_key: "cancel-1" },
    });
    const deleted = await standIn.client.subscriptions.cancel(id);
    expect(deleted.status).toBe("canceled");
    expect(standIn.events.at(-1)?.type).toBe("customer.subscription.deleted");
  });
});
