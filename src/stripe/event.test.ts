import { describe, expect, it } from "vitest";
import { stripeEvent } from "../testing/stripe-event.js";
import { parseStripeEvent } from "./event.js";

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
