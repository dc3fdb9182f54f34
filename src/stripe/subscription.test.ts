import { describe, expect, it } from "vitest";
import type { TollgateError } from "../http/errors.js";
import {
  isSubscriptionFields,
  readSubscription,
  readSubscriptionId,
  subscriptionFields,
  toSubscriptionData,
} from "./subscription.js";

const periodEnd = 1_767_225_600; // 2026-01-01T00:00:00Z
const createdAt = new Date("2025-06-01T00:00:00Z");

/** Before API version 2025-03-31 the period sits on the subscription… */
const legacy = {
  id: "sub_1",
  object: "subscription",
  customer: "cus_1",
  status: "active",
  cancel_at_period_end: false,
  current_period_end: periodEnd,
  items: { object: "list", data: [{ id: "si_1", price: { id: "price_1", object: "price" } }] },
};
/** …from 2025-03-31 (basil) on it sits on each item. */
const basil = {
  id: "sub_1",
  object: "subscription",
  customer: "cus_1",
  status: "active",
  cancel_at_period_end: false,
  items: { object: "list", data: [{ id: "si_1", price: { id: "price_1" }, current_period_end: periodEnd }] },
};

describe("toSubscriptionData", () => {
  it.each([
    ["before 2025-03-31 (subscription.current_period_end)", legacy],
    ["2025-03-31 and later (items.data[0].current_period_end)", basil],
  ])("maps a subscription %s", (_shape, subscription) => {
    expect(toSubscriptionData(subscription, "user_1", createdAt)).toEqual({
      id: "sub_1",
      userId: "user_1",
      stripeCustomerId: "cus_1",
      status: "active",
      priceId: "price_1",
      currentPeriodEnd: new Date("2026-01-01T00:00:00Z"),
      cancelAtPeriodEnd: false,
      cancelAt: null,
      eventCreatedAt: createdAt,
    });
  });

  it.each([
    ["neither shape has a period end", { ...basil, items: { data: [{ price: { id: "price_1" } }] } }, null],
    [
      "the item's period end is null",
      { ...basil, items: { data: [{ price: "price_1", current_period_end: null }] } },
      null,
    ],
    [
      "both are present (the subscription's wins)",
      { ...legacy, items: basil.items, current_period_end: 1 },
      new Date(1000),
    ],
  ])("currentPeriodEnd when %s", (_case, subscription, expected) => {
    expect(toSubscriptionData(subscription, "user_1", createdAt).currentPeriodEnd).toEqual(expected);
  });

  it.each([
    [
      "customer expanded into an object",
      { ...basil, customer: { id: "cus_9", object: "customer" } },
      "stripeCustomerId",
      "cus_9",
    ],
    ["price given as an id", { ...basil, items: { data: [{ price: "price_7" }] } }, "priceId", "price_7"],
    [
      "second item ignored",
      { ...basil, items: { data: [{ price: "price_a" }, { price: "price_b" }] } },
      "priceId",
      "price_a",
    ],
    ["cancel_at_period_end true", { ...basil, cancel_at_period_end: true }, "cancelAtPeriodEnd", true],
    ["cancel_at_period_end absent", { ...basil, cancel_at_period_end: undefined }, "cancelAtPeriodEnd", false],
    [
      "cancel_at_period_end null (2025-03-31.basil)",
      { ...basil, cancel_at_period_end: null },
      "cancelAtPeriodEnd",
      false,
    ],
    [
      "a legacy item with only a plan",
      { ...legacy, items: { data: [{ id: "si_1", plan: { id: "plan_gold", object: "plan" } }] } },
      "priceId",
      "plan_gold",
    ],
    [
      "a legacy plan-only subscription without items",
      { ...legacy, items: undefined, plan: { id: "gold" } },
      "priceId",
      "gold",
    ],
    [
      "an item with both (the price wins)",
      { ...basil, items: { data: [{ price: { id: "price_1" }, plan: { id: "plan_old" } }] } },
      "priceId",
      "price_1",
    ],
    ["status verbatim", { ...basil, status: "past_due" }, "status", "past_due"],
  ])("%s", (_case, subscription, field, expected) => {
    expect(toSubscriptionData(subscription, "user_1", createdAt)).toMatchObject({ [field]: expected });
  });

  const at = (seconds: number) => new Date(seconds * 1000);
  const other = periodEnd - 86_400 * 10;
  it.each([
    // billing mode, cancel_at_period_end, cancel_at → cancelAtPeriodEnd, cancelAt
    ["classic, renewing", "classic", false, null, false, null],
    ["classic, cancel at period end", "classic", true, periodEnd, true, at(periodEnd)],
    ["classic, cancel at period end, cancel_at absent", "classic", true, undefined, true, at(periodEnd)],
    ["classic, cancel at another date", "classic", false, other, false, at(other)],
    ["flexible, renewing", "flexible", false, null, false, null],
    [
      "flexible, cancel at period end (cancel_at = period end, flag false)",
      "flexible",
      false,
      periodEnd,
      true,
      at(periodEnd),
    ],
    ["flexible, cancel at another date", "flexible", false, other, false, at(other)],
    ["basil null flag, renewing", "classic", null, null, false, null],
    ["basil null flag, cancel_at = period end", "classic", null, periodEnd, true, at(periodEnd)],
    ["no billing_mode field, cancel_at = period end", undefined, false, periodEnd, true, at(periodEnd)],
  ])("cancellation: %s", (_case, mode, flag, cancelAt, expectedFlag, expectedAt) => {
    const subscription = {
      ...basil,
      cancel_at_period_end: flag,
      cancel_at: cancelAt,
      ...(mode === undefined ? {} : { billing_mode: { type: mode } }),
    };
    expect(toSubscriptionData(subscription, "user_1", createdAt)).toMatchObject({
      cancelAtPeriodEnd: expectedFlag,
      cancelAt: expectedAt,
    });
  });

  it("multi-item: reports the first item's period and price (flexible mode, mixed intervals)", () => {
    const yearly = periodEnd + 86_400 * 300;
    const subscription = {
      ...basil,
      billing_mode: { type: "flexible" },
      cancel_at: yearly,
      items: {
        data: [
          { price: { id: "price_monthly" }, current_period_end: periodEnd },
          { price: { id: "price_yearly" }, current_period_end: yearly },
        ],
      },
    };
    expect(toSubscriptionData(subscription, "user_1", createdAt)).toMatchObject({
      priceId: "price_monthly",
      currentPeriodEnd: at(periodEnd),
      cancelAtPeriodEnd: false,
      cancelAt: at(yearly),
    });
  });

  it.each([
    ["no id", { ...basil, id: undefined }],
    ["no customer", { ...basil, customer: null }],
    ["no status", { ...basil, status: "" }],
    ["no items", { ...basil, items: undefined }],
    ["an empty item list", { ...basil, items: { data: [] } }],
    ["an item without a price", { ...basil, items: { data: [{ id: "si_1" }] } }],
    ["a period end that is not a number", { ...basil, current_period_end: "soon" }],
    ["a flag that is not a boolean", { ...basil, cancel_at_period_end: "true" }],
    ["a cancel_at that is not a time", { ...basil, cancel_at: "tomorrow" }],
    ["not an object", "sub_1"],
  ])("refuses a subscription with %s as INVALID_PAYLOAD", (_case, subscription) => {
    expect(() => toSubscriptionData(subscription, "user_1", createdAt)).toThrow(
      expect.objectContaining({ code: "INVALID_PAYLOAD", status: 400 }) as TollgateError,
    );
  });

  it("keeps unknown fields out of the row", () => {
    const row = toSubscriptionData({ ...basil, brand_new_field: { x: 1 } }, "user_1", createdAt);
    expect(Object.keys(row).sort()).toEqual([
      "cancelAt",
      "cancelAtPeriodEnd",
      "currentPeriodEnd",
      "eventCreatedAt",
      "id",
      "priceId",
      "status",
      "stripeCustomerId",
      "userId",
    ]);
  });
});

describe("readSubscriptionId", () => {
  it("reads the id of a deleted subscription", () => {
    expect(readSubscriptionId({ id: "sub_1", status: "canceled" })).toBe("sub_1");
  });

  it.each([[{}], [{ id: 1 }], [null]])("refuses %j as INVALID_PAYLOAD", (value) => {
    expect(() => readSubscriptionId(value)).toThrow(
      expect.objectContaining({ code: "INVALID_PAYLOAD" }) as TollgateError,
    );
  });
});

describe("the hand-written subscription check", () => {
  const item = basil.items.data[0];
  const withItem = (fields: Record<string, unknown>) => ({ ...basil, items: { data: [{ ...item, ...fields }] } });
  it.each([
    ["a basil subscription", basil, true],
    ["a legacy subscription", legacy, true],
    ["customer expanded", { ...basil, customer: { id: "cus_1", email: "a@b.c" } }, true],
    ["cancel_at_period_end null", { ...basil, cancel_at_period_end: null }, true],
    ["cancel_at_period_end absent", { ...basil, cancel_at_period_end: undefined }, true],
    ["cancel_at a time", { ...basil, cancel_at: periodEnd }, true],
    ["no items, a plan", { ...legacy, items: undefined, plan: { id: "plan_1" } }, true],
    ["items null", { ...basil, items: null }, true],
    ["an item without a price (the price check is separate)", withItem({ price: null }), true],
    ["a price id", withItem({ price: "price_1" }), true],
    ["period end 0", withItem({ current_period_end: 0 }), true],
    ["id empty", { ...basil, id: "" }, false],
    ["id a number", { ...basil, id: 1 }, false],
    ["customer empty", { ...basil, customer: "" }, false],
    ["customer an object without id", { ...basil, customer: { object: "customer" } }, false],
    ["customer an array", { ...basil, customer: ["cus_1"] }, false],
    ["status missing", { ...basil, status: undefined }, false],
    ["cancel_at_period_end a string", { ...basil, cancel_at_period_end: "false" }, false],
    ["cancel_at negative", { ...basil, cancel_at: -1 }, false],
    ["cancel_at fractional", { ...basil, cancel_at: 1.5 }, false],
    ["cancel_at beyond 2^53", { ...basil, cancel_at: 2 ** 53 }, false],
    ["current_period_end a string", { ...legacy, current_period_end: "1767225600" }, false],
    ["plan a number", { ...basil, plan: 1 }, false],
    ["items an array", { ...basil, items: [] }, false],
    ["items without data", { ...basil, items: { object: "list" } }, false],
    ["an item null", { ...basil, items: { data: [null] } }, false],
    ["an item price with an empty id", withItem({ price: { id: "" } }), false],
    ["an item period end infinite", withItem({ current_period_end: Number.POSITIVE_INFINITY }), false],
    ["an item plan an array", withItem({ plan: [] }), false],
    ["an array", [basil], false],
    ["null", null, false],
  ])("agrees with the schema on %s", (_case, value, accepted) => {
    // The fast check may accept only what the schema accepts; the schema is the contract.
    expect(subscriptionFields().safeParse(value).success).toBe(accepted);
    expect(isSubscriptionFields(value)).toBe(accepted);
  });

  it("hands on the object as received, not a copy", () => {
    expect(readSubscription(basil)).toBe(basil);
  });
});
