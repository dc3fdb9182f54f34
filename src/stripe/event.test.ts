import { describe, expect, it } from "vitest";
import { stripeEvent } from "../testing/stripe-event.js";
import { isStripeEnvelope, parseStripeEvent, stripeEventEnvelope } from "./event.js";

describe("parseStripeEvent", () => {
  it("returns the event as received, its type, id and namespaced idempotency key", () => {
    const event = stripeEvent("invoice.paid", { id: "in_1", unknown_field: [1] }, { id: "evt_1", future: true });
    const parsed = parseStripeEvent(event);
    expect(parsed).toEqual({ event, type: "invoice.paid", id: "evt_1", idempotencyKey: "stripe:evt_1" });
    expect(parsed?.event).toBe(event);
  });

  it.each([
    ["api_version null", { api_version: null }],
    ["api_version absent", { api_version: undefined }],
    ["an unknown type", { type: "brand_new.event" }],
  ])("accepts an envelope with %s", (_case, overrides) => {
    expect(parseStripeEvent(stripeEvent("customer.updated", {}, overrides))).not.toBeNull();
  });

  it.each([
    ["an array", []],
    ["a string", "evt_1"],
    ["null", null],
    ["no id", { ...stripeEvent("x.y", {}), id: undefined }],
    ["an empty id", stripeEvent("x.y", {}, { id: "" })],
    ["object other than event", stripeEvent("x.y", {}, { object: "subscription" })],
    ["no type", stripeEvent("x.y", {}, { type: undefined })],
    ["created as a string", stripeEvent("x.y", {}, { created: "1700000000" })],
    ["no data", stripeEvent("x.y", {}, { data: undefined })],
    ["data.object not an object", stripeEvent("x.y", {}, { data: { object: "sub_1" } })],
    ["data.object an array", stripeEvent("x.y", {}, { data: { object: [] } })],
  ])("refuses %s", (_case, value) => {
    expect(parseStripeEvent(value)).toBeNull();
  });
});

describe("the hand-written envelope check", () => {
  const valid = stripeEvent("customer.subscription.updated", { id: "sub_1" }, { id: "evt_1" });
  it.each([
    ["a full envelope", valid, true],
    ["api_version null", { ...valid, api_version: null }, true],
    ["no api_version", { ...valid, api_version: undefined }, true],
    ["created 0", { ...valid, created: 0 }, true],
    ["unknown fields", { ...valid, extra: { deep: [1] } }, true],
    ["created negative", { ...valid, created: -1 }, false],
    ["created fractional", { ...valid, created: 1.5 }, false],
    ["created beyond 2^53", { ...valid, created: 2 ** 53 }, false],
    ["created infinite", { ...valid, created: Number.POSITIVE_INFINITY }, false],
    ["api_version a number", { ...valid, api_version: 20250331 }, false],
    ["type empty", { ...valid, type: "" }, false],
    ["id a number", { ...valid, id: 1 }, false],
    ["data null", { ...valid, data: null }, false],
    ["data an array", { ...valid, data: [] }, false],
    ["data.object null", { ...valid, data: { object: null } }, false],
    ["object missing", { ...valid, object: undefined }, false],
    ["a number", 1, false],
  ])("agrees with the schema on %s", (_case, value, accepted) => {
    // The fast check may refuse only what the schema refuses too; the schema is the contract.
    expect(stripeEventEnvelope().safeParse(value).success).toBe(accepted);
    expect(isStripeEnvelope(value)).toBe(accepted);
    expect(parseStripeEvent(value) !== null).toBe(accepted);
  });
});
