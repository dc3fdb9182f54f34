import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { outcomeOf } from "../../test/support/outcome.js";
import { isTollgateError } from "../http/errors.js";
import { STORE_TIMEOUT_MS, storeCall } from "./with-timeout.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(async () => {
  await vi.runOnlyPendingTimersAsync();
  vi.useRealTimers();
});

const settleAfter = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("storeCall", () => {
  it.each([
    ["resolves", () => Promise.resolve("claimed"), 0, "OK"],
    ["resolves just inside the timeout", () => settleAfter(STORE_TIMEOUT_MS - 1, "claimed"), STORE_TIMEOUT_MS, "OK"],
    [
      "throws synchronously",
      () => {
        throw new Error("no connection");
      },
      0,
      "STORE_UNAVAILABLE",
    ],
    ["rejects", () => Promise.reject(new Error("no connection")), 0, "STORE_UNAVAILABLE"],
    ["never settles", () => new Promise<never>(() => {}), STORE_TIMEOUT_MS + 250, "STORE_UNAVAILABLE"],
    ["settles after the timeout", () => settleAfter(60_000, "claimed"), STORE_TIMEOUT_MS + 250, "STORE_UNAVAILABLE"],
  ])("a store call that %s → %s", async (_case, call, elapse, code) => {
    const result = outcomeOf(storeCall(call));
    await vi.advanceTimersByTimeAsync(elapse);
    expect(await result).toBe(code);
  });

  it("resolves to the store's answer", async () => {
    await expect(storeCall(() => Promise.resolve("duplicate"))).resolves.toBe("duplicate");
  });

  it("keeps the store's error as the cause, for the server log only", async () => {
    const cause = new Error("NOAUTH Authentication required");
    const error = await storeCall(() => Promise.reject(cause)).catch((thrown: unknown) => thrown);
    expect(isTollgateError(error) && error.code).toBe("STORE_UNAVAILABLE");
    expect((error as Error).cause).toBe(cause);
    expect((error as Error).message).not.toContain("NOAUTH");
  });

  it("does not time out before its deadline", async () => {
    let settled = false;
    void storeCall(() => new Promise<never>(() => {})).catch(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(STORE_TIMEOUT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(251);
    expect(settled).toBe(true);
  });
});
