import { describe, expect, it } from "vitest";
import { ERROR_STATUS, isTollgateError, TollgateError, toTollgateError } from "./errors.js";

// The code → status table of API.md, written out again so a change to either is a failing test.
const CONTRACT = [
  ["VALIDATION_ERROR", 400],
  ["MISSING_SIGNATURE", 400],
  ["INVALID_SIGNATURE", 400],
  ["TIMESTAMP_TOO_OLD", 400],
  ["TIMESTAMP_IN_FUTURE", 400],
  ["INVALID_PAYLOAD", 400],
  ["UNAUTHORIZED", 401],
  ["FORBIDDEN", 403],
  ["NOT_FOUND", 404],
  ["METHOD_NOT_ALLOWED", 405],
  ["EVENT_IN_FLIGHT", 409],
  ["ALREADY_SUBSCRIBED", 409],
  ["PAYLOAD_TOO_LARGE", 413],
  ["REQUEST_TIMEOUT", 408],
  ["CLIENT_ABORTED", 499],
  ["UNSUPPORTED_MEDIA_TYPE", 415],
  ["RATE_LIMITED", 429],
  ["CONFIGURATION_ERROR", 500],
  ["HANDLER_FAILED", 500],
  ["INTERNAL_ERROR", 500],
  ["UPSTREAM_ERROR", 502],
  ["STORE_UNAVAILABLE", 503],
] as const;

describe("TollgateError", () => {
  it("knows exactly the contract's codes", () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual(CONTRACT.map(([code]) => code).sort());
  });

  it.each(CONTRACT)("%s → %i, with a safe default message", (code, status) => {
    const error = new TollgateError(code);
    expect(error).toMatchObject({ code, status, name: "TollgateError" });
    expect(error.message).toMatch(/^[A-Z].+\.$/);
  });

  it("keeps the cause for the server log and a custom public message", () => {
    const cause = new Error("upstream said no");
    const error = new TollgateError("UPSTREAM_ERROR", { message: "Stripe is unavailable.", cause });
    expect(error.message).toBe("Stripe is unavailable.");
    expect(error.cause).toBe(cause);
  });

  it.each([
    ["a TollgateError", new TollgateError("FORBIDDEN"), true],
    [
      "one from another copy of the package",
      Object.assign(new Error("x"), { name: "TollgateError", code: "NOT_FOUND" }),
      true,
    ],
    [
      "a look-alike with an unknown code",
      Object.assign(new Error("x"), { name: "TollgateError", code: "NOPE" }),
      false,
    ],
    ["a plain Error", new Error("x"), false],
    ["a string", "TollgateError", false],
    ["null", null, false],
  ])("isTollgateError(%s) → %s", (_case, value, expected) => {
    expect(isTollgateError(value)).toBe(expected);
  });

  it.each([
    ["an Error", new Error("secret-db-password")],
    ["a string", "boom"],
    ["undefined", undefined],
  ])("toTollgateError wraps %s as INTERNAL_ERROR, keeping it only as the cause", (_case, thrown) => {
    const error = toTollgateError(thrown);
    expect(error.code).toBe("INTERNAL_ERROR");
    expect(error.message).toBe("Internal server error.");
    expect(error.cause).toBe(thrown);
  });
});
