import Stripe from "stripe";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import type { StripeEventHandlers, StripeThinEventOf } from "../src/index.js";
import { freezeClock, nowSeconds, retrieved, secret, setup, useStripeApi } from "./support/stripe-webhook.js";

// Thin event notifications ("object": "v2.core.event"), as Stripe event destinations send them. The
// shapes follow stripe-node's own test payloads (test/StripeEventNotificationHandler.spec.ts) and
// the SDK's `Stripe.V2.Core.EventNotification` union; signed by the official SDK.
useStripeApi();

const sdk = new Stripe("sk_test_signing");

function notification(type: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `evt_test_65R${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`,
    object: "v2.core.event",
    type,
    livemode: false,
    created: "2026-03-01T11:59:30.123Z",
    context: null,
    ...fields,
  };
}

const NOTIFICATIONS = [
  [
    "v1.customer.subscription.updated",
    { related_object: { id: "sub_1", type: "subscription", url: "/v1/subscriptions/sub_1" } },
  ],
  [
    "v2.core.event_destination.ping",
    { related_object: { id: "ed_1", type: "v2.core.event_destination", url: "/v2/core/event_destinations/ed_1" } },
  ],
  ["v1.billing.meter.no_meter_found", { context: "event_context_789" }],
  ["llama.created", { related_object: { id: "llama_123", type: "llama", url: "/v1/llamas/llama_123" } }],
] as const;

async function deliverSigned(t: ReturnType<typeof setup>, body: string) {
  const header = await sdk.webhooks.generateTestHeaderStringAsync({ payload: body, secret, timestamp: nowSeconds });
  return t.post(body, { "stripe-signature": header });
}

describe.each(["refetch", "payload"] as const)("thin event notifications (%s mode)", (sync) => {
  it.each(NOTIFICATIONS)("%s without a handler → 200, audited ignored, nothing written", async (type, fields) => {
    freezeClock();
    const t = setup({ sync });
    const thin = notification(type, fields);
    const response = await deliverSigned(t, JSON.stringify(thin));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(t.db.calls).toEqual([]);
    expect(retrieved).toEqual([]);
    expect(t.lastEntry()).toMatchObject({
      outcome: "ignored",
      status: 200,
      eventType: type,
      eventId: thin.id,
      signatureValid: true,
      mutations: [],
    });
  });

  it.each(NOTIFICATIONS)("%s with a handler → the notification as received, then a duplicate", async (type, fields) => {
    freezeClock();
    const handler = vi.fn();
    const t = setup({ sync, on: { [type]: handler } as StripeEventHandlers });
    const thin = notification(type, { ...fields, brand_new_field: { kept: true } });
    const body = JSON.stringify(thin);
    const response = await deliverSigned(t, body);
    expect(response.status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(1);
    const [data, ctx] = handler.mock.calls[0] as [unknown, Record<string, unknown>];
    expect(data).toEqual(thin);
    expect(ctx).toMatchObject({
      eventId: thin.id,
      eventType: type,
      timestamp: new Date(nowSeconds * 1000),
      event: thin,
    });
    expect(t.lastEntry()).toMatchObject({ outcome: "processed", mutations: [type] });
    expect(t.db.calls).toEqual([]);

    const again = await deliverSigned(t, body);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(handler).toHaveBeenCalledTimes(1);
    expect(t.lastEntry()).toMatchObject({ outcome: "duplicate", eventId: thin.id });
  });
});

describe("thin event notifications: verified like any delivery", () => {
  it.each([
    ["signed with another secret", "whsec_other", {}, 400, "INVALID_SIGNATURE"],
    ["without an id", secret, { id: undefined }, 400, "INVALID_PAYLOAD"],
    ["without a type", secret, { type: "" }, 400, "INVALID_PAYLOAD"],
    ["with created that is not a string", secret, { created: 1_772_366_370 }, 400, "INVALID_PAYLOAD"],
  ] as const)("%s → %i %s", async (_case, signingSecret, fields, status, code) => {
    freezeClock();
    const handler = vi.fn();
    const t = setup({ on: { "v2.core.event_destination.ping": handler } });
    const body = JSON.stringify(notification("v2.core.event_destination.ping", fields));
    const header = await sdk.webhooks.generateTestHeaderStringAsync({ payload: body, secret: signingSecret });
    const response = await t.post(body, { "stripe-signature": header });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code });
    expect(handler).not.toHaveBeenCalled();
  });

  it("a handler that throws → 500 HANDLER_FAILED, and the redelivery runs it again", async () => {
    freezeClock();
    const handler = vi.fn().mockRejectedValueOnce(new Error("queue down")).mockResolvedValue(undefined);
    const t = setup({ on: { "v1.customer.subscription.updated": handler } });
    const body = JSON.stringify(notification("v1.customer.subscription.updated"));
    expect((await deliverSigned(t, body)).status).toBe(500);
    expect((await deliverSigned(t, body)).status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(2);
  });

  it("types a handler from the SDK's notification union", () => {
    const on: StripeEventHandlers = {
      "v1.customer.subscription.updated": (thin, ctx) => {
        expectTypeOf(thin.related_object.id).toEqualTypeOf<string>();
        expectTypeOf(thin.type).toEqualTypeOf<"v1.customer.subscription.updated">();
        expectTypeOf(ctx.event).toEqualTypeOf<StripeThinEventOf<"v1.customer.subscription.updated">>();
      },
      "customer.subscription.updated": (subscription) => {
        expectTypeOf(subscription.id).toEqualTypeOf<string>();
      },
    };
    expect(Object.keys(on)).toHaveLength(2);
  });
});
