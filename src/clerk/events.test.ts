import { describe, expect, it } from "vitest";
import type { RouteContext } from "../http/context.js";
import { clerkEventEnvelope, dataCheckOf, isClerkEnvelope, parseClerkEvent } from "./events.js";

const ctx = (deliveryId?: string) => ({ state: deliveryId === undefined ? {} : { deliveryId } }) as RouteContext;

describe("the hand-written Clerk envelope check", () => {
  const valid = { type: "user.created", object: "event", data: { id: "user_1" }, timestamp: 1_700_000_000_000 };
  it.each([
    ["a full envelope", valid, true],
    ["no timestamp", { ...valid, timestamp: undefined }, true],
    [
      "instance_id and event_attributes",
      { ...valid, instance_id: "ins_1", event_attributes: { http_request: {} } },
      true,
    ],
    ["unknown fields", { ...valid, extra: [1] }, true],
    ["timestamp a string", { ...valid, timestamp: "1700000000000" }, false],
    ["timestamp infinite", { ...valid, timestamp: Number.POSITIVE_INFINITY }, false],
    ["timestamp null", { ...valid, timestamp: null }, false],
    ["instance_id a number", { ...valid, instance_id: 1 }, false],
    ["event_attributes an array", { ...valid, event_attributes: [] }, false],
    ["type empty", { ...valid, type: "" }, false],
    ["object other than event", { ...valid, object: "user" }, false],
    ["data an array", { ...valid, data: [] }, false],
    ["data null", { ...valid, data: null }, false],
    ["an array", [], false],
  ])("agrees with the schema on %s", (_case, value, accepted) => {
    // The fast check may refuse only what the schema refuses too; the schema is the contract.
    expect(clerkEventEnvelope().safeParse(value).success).toBe(accepted);
    expect(isClerkEnvelope(value)).toBe(accepted);
    expect(parseClerkEvent(value, ctx("msg_1")) !== null).toBe(accepted);
  });

  it("returns the envelope as received with the svix-id as its id and key", () => {
    expect(parseClerkEvent(valid, ctx("msg_1"))).toEqual({
      event: valid,
      type: "user.created",
      id: "msg_1",
      idempotencyKey: "clerk:msg_1",
    });
  });

  it("refuses an envelope without a delivery id from the signature layer", () => {
    expect(parseClerkEvent(valid, ctx())).toBeNull();
  });
});

describe("dataCheckOf", () => {
  it.each([
    ["user.created", true],
    ["user.deleted", true],
    ["subscriptionItem.past_due", true],
    ["email.created", false],
    ["constructor.created", false],
    ["toString.updated", false],
    ["__proto__.created", false],
    ["nodot", false],
  ])("%s → a schema: %s (nothing inherited from Object.prototype)", (type, known) => {
    const schema = dataCheckOf(type)?.schema();
    expect(schema !== undefined).toBe(known);
    if (schema !== undefined) expect(typeof schema.safeParse).toBe("function");
  });
});
