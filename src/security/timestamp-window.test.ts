import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { compose, type Middleware } from "../http/compose.js";
import type { TimestampWindowOptions } from "../http/time-window.js";
import { timestampWindow } from "./timestamp-window.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const NOW_S = NOW / 1000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Stands in for a signature layer: the verified timestamp comes from a header. */
const signedAtFromHeader: Middleware = async (ctx, next) => {
  const signedAt = ctx.headers.get("x-signed-at");
  if (signedAt !== null) ctx.state.signedAt = Number(signedAt);
  return next();
};

function route(options?: TimestampWindowOptions) {
  const endpoint = vi.fn(() => Response.json({ received: true }));
  return { handler: compose([signedAtFromHeader, timestampWindow(options)], endpoint), endpoint };
}

const signedAt = (seconds: number) =>
  new Request("https://app.example/hook", { headers: { "x-signed-at": String(seconds) } });

describe("timestampWindow", () => {
  it.each([
    // seconds old (negative: ahead of the clock), options → status, code
    [0, undefined, 200, undefined],
    [299, undefined, 200, undefined],
    [300, undefined, 200, undefined],
    [301, undefined, 400, "TIMESTAMP_TOO_OLD"],
    [-59, undefined, 200, undefined],
    [-60, undefined, 200, undefined],
    [-61, undefined, 400, "TIMESTAMP_IN_FUTURE"],
    [NOW_S, undefined, 400, "TIMESTAMP_TOO_OLD"], // signed at the epoch
    [120, { pastSeconds: 120 }, 200, undefined],
    [121, { pastSeconds: 120 }, 400, "TIMESTAMP_TOO_OLD"],
    [-1, { futureSeconds: 0 }, 400, "TIMESTAMP_IN_FUTURE"],
    [3600, { pastSeconds: 3600, futureSeconds: 0 }, 200, undefined],
  ] as const)("%i s old with %o → %i %s", async (age, options, status, code) => {
    const { handler, endpoint } = route(options);
    const response = await handler(signedAt(NOW_S - age));
    expect(response.status).toBe(status);
    if (code) expect(await response.json()).toMatchObject({ code });
    expect(endpoint).toHaveBeenCalledTimes(status === 200 ? 1 : 0);
  });

  it("judges against the clock when the request arrives, moving with it", async () => {
    const { handler } = route();
    const request = () => signedAt(NOW_S);
    vi.advanceTimersByTime(300_999);
    expect((await handler(request())).status).toBe(200);
    vi.advanceTimersByTime(1);
    expect((await handler(request())).status).toBe(400);
  });

  it("answers 500 CONFIGURATION_ERROR when no signature layer ran before it", async () => {
    const { handler, endpoint } = route();
    const response = await handler(new Request("https://app.example/hook"));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "CONFIGURATION_ERROR" });
    expect(endpoint).not.toHaveBeenCalled();
  });

  it.each([
    [{ pastSeconds: -1 }],
    [{ futureSeconds: -1 }],
    [{ pastSeconds: Number.NaN }],
    [{ futureSeconds: "60" }],
    [null],
  ])("refuses %o with a TypeError at creation", (options) => {
    expect(() => timestampWindow(options as unknown as TimestampWindowOptions)).toThrow(TypeError);
  });
});
