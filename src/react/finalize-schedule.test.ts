import { describe, expect, it } from "vitest";
import { FINALIZE_MAX_REQUESTS, FINALIZE_WINDOW_MS, nextFinalizeDelay, retryAfterMs } from "./finalize-schedule.js";

describe("nextFinalizeDelay", () => {
  it.each([
    // sent, elapsed ms, Retry-After ms, → wait (null: give up)
    [1, 0, undefined, 1_000],
    [2, 1_000, undefined, 2_000],
    [3, 3_000, undefined, 3_000],
    [4, 6_000, undefined, 4_000],
    [5, 10_000, undefined, 5_000],
    [7, 20_000, undefined, 5_000],
    [8, 25_000, undefined, null],
    [2, 1_000, 9_000, 9_000],
    [2, 1_000, 500, 2_000],
    [3, 20_000, 10_000, 10_000],
    [3, 20_000, 10_001, null],
    [1, 0, 45_000, null],
    [5, 29_000, undefined, null],
  ])("after %i requests, %i ms in, Retry-After %s → %s", (sent, elapsed, retryAfter, expected) => {
    expect(nextFinalizeDelay(sent, elapsed, retryAfter)).toBe(expected);
  });

  it("the planned schedule sends at most 8 requests, all within 30 s of the first", () => {
    const times = [0];
    for (;;) {
      const delay = nextFinalizeDelay(times.length, times.at(-1)!);
      if (delay === null) break;
      times.push(times.at(-1)! + delay);
    }
    expect(times).toHaveLength(FINALIZE_MAX_REQUESTS);
    expect(times.at(-1)).toBeLessThanOrEqual(FINALIZE_WINDOW_MS);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-11-29T12:00:00Z");
  it.each([
    [null, undefined],
    ["5", 5_000],
    [" 12 ", 12_000],
    ["0", 0],
    ["Sun, 29 Nov 2026 12:00:07 GMT", 7_000],
    ["Sun, 29 Nov 2026 11:59:00 GMT", 0],
    ["soon", undefined],
    ["-3", undefined],
  ])("%j → %j", (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});
