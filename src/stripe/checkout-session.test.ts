import { describe, expect, it } from "vitest";
import type { TollgateError } from "../http/errors.js";
import { readCompletedCheckout } from "./checkout-session.js";

const session = {
  id: "cs_1",
  object: "checkout.session",
  mode: "subscription",
  customer: "cus_1",
  subscription: "sub_1",
};

describe("readCompletedCheckout", () => {
  it.each([
    ["client_reference_id first", { client_reference_id: "user_a", metadata: { userId: "user_b" } }, "user_a"],
    ["then metadata.userId", { client_reference_id: null, metadata: { userId: "user_b" } }, "user_b"],
    [
      "an empty client_reference_id counts as absent",
      { client_reference_id: " ", metadata: { userId: "user_b" } },
      "user_b",
    ],
    ["a non-string metadata.userId is ignored", { metadata: { userId: 42 } }, null],
    ["else none (the route asks findUserByCustomerId)", { metadata: {} }, null],
  ])("user: %s", (_case, fields, userId) => {
    expect(readCompletedCheckout({ ...session, ...fields }).userId).toBe(userId);
  });

  it("reads expanded customer and subscription objects", () => {
    expect(readCompletedCheckout({ ...session, customer: { id: "cus_2" }, subscription: { id: "sub_2" } })).toEqual({
      subscriptionMode: true,
      userId: null,
      customerId: "cus_2",
      subscriptionId: "sub_2",
    });
  });

  it.each([["payment"], ["setup"], [null]])("mode %s is not a subscription checkout", (mode) => {
    expect(readCompletedCheckout({ ...session, mode, subscription: null }).subscriptionMode).toBe(false);
  });

  it.each([
    ["a subscription-mode session without a subscription", { ...session, subscription: null }],
    ["no id", { ...session, id: undefined }],
    ["not an object", "cs_1"],
  ])("refuses %s as INVALID_PAYLOAD", (_case, value) => {
    expect(() => readCompletedCheckout(value)).toThrow(
      expect.objectContaining({ code: "INVALID_PAYLOAD" }) as TollgateError,
    );
  });
});
