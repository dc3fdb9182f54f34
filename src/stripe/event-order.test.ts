import { describe, expect, it } from "vitest";
import { createEventOrder } from "./event-order.js";

describe("createEventOrder", () => {
  it.each([
    ["a first event", [], 100, true],
    ["a newer event", [100], 101, true],
    ["a same-second event (tie)", [100], 100, true],
    ["an older event", [100], 99, false],
    ["an event older than the newest of several", [100, 105, 102], 104, false],
  ])("claims %s: %j then %d → %s", (_case, applied, created, expected) => {
    const order = createEventOrder();
    for (const at of applied) order.claim("sub_1", at);
    expect(order.claim("sub_1", created)).toBe(expected);
  });

  it("keeps subscriptions apart", () => {
    const order = createEventOrder();
    order.claim("sub_1", 200);
    expect(order.claim("sub_2", 100)).toBe(true);
  });

  it("a recorded deletion makes older events stale but never moves the clock back", () => {
    const order = createEventOrder();
    order.claim("sub_1", 300);
    order.record("sub_1", 200);
    expect(order.claim("sub_1", 250)).toBe(false);
    order.record("sub_2", 200);
    expect(order.claim("sub_2", 199)).toBe(false);
  });

  it("is bounded: the least recently used subscription is forgotten", () => {
    const order = createEventOrder(2);
    order.claim("sub_1", 100);
    order.claim("sub_2", 100);
    order.claim("sub_3", 100);
    expect(order.claim("sub_1", 1)).toBe(true);
  });
});
