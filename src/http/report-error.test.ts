import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { audit } from "../security/audit.js";
import { compose, type Endpoint } from "./compose.js";
import { TollgateError } from "./errors.js";

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

const request = () => new Request("https://app.example/x", { method: "POST" });
const driverError = new Error("connect ECONNREFUSED postgres://app:hunter2@db/app (ada@example.com)");
const throwing =
  (error: unknown): Endpoint =>
  () => {
    throw error;
  };

describe("onError receives every 5xx cause, and nothing else reaches the console for it", () => {
  it.each([
    ["a thrown driver error → INTERNAL_ERROR", throwing(driverError), "INTERNAL_ERROR", driverError],
    [
      "a TollgateError with a cause",
      throwing(new TollgateError("HANDLER_FAILED", { cause: driverError })),
      "HANDLER_FAILED",
      driverError,
    ],
    ["a thrown string", throwing("boom"), "INTERNAL_ERROR", "boom"],
    ["a non-Response result", (() => "nope") as unknown as Endpoint, "INTERNAL_ERROR", expect.any(TypeError)],
  ])("%s", async (_case, endpoint, code, cause) => {
    const onError = vi.fn();
    const entries: unknown[] = [];
    const handler = compose([audit({ sink: (entry) => void entries.push(entry) })], endpoint, {
      route: "checkout",
      onError,
    });
    const response = await handler(request());
    const body = await response.json();
    expect(response.status).toBe(500);
    expect(onError).toHaveBeenCalledOnce();
    const [error, info] = onError.mock.calls[0] as [unknown, unknown];
    expect(error).toEqual(cause);
    expect(info).toEqual({ requestId: body.requestId, route: "checkout", code });
    expect(entries).toEqual([expect.objectContaining({ route: "checkout", requestId: body.requestId })]);
    expect(errors).not.toHaveBeenCalled();
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });

  it("a cause-less CONFIGURATION_ERROR is passed as the error itself", async () => {
    const onError = vi.fn();
    const failure = new TollgateError("CONFIGURATION_ERROR");
    await compose([], throwing(failure), { onError })(request());
    expect(onError).toHaveBeenCalledWith(failure, expect.objectContaining({ code: "CONFIGURATION_ERROR" }));
  });

  it.each([
    ["4xx", new TollgateError("FORBIDDEN")],
    ["429", new TollgateError("RATE_LIMITED")],
  ])("is not called for a %s", async (_case, failure) => {
    const onError = vi.fn();
    await compose([], throwing(failure), { onError })(request());
    expect(onError).not.toHaveBeenCalled();
  });

  it("without onError, one console line carries the code and request id", async () => {
    const response = await compose([], throwing(driverError))(request());
    const { requestId } = await response.json();
    expect(errors).toHaveBeenCalledOnce();
    expect(errors).toHaveBeenCalledWith(`[tollgate] INTERNAL_ERROR requestId=${requestId}`, driverError);
  });

  it("an onError that throws changes nothing: the answer is still the 500, and nothing is printed", async () => {
    const response = await compose([], throwing(driverError), {
      onError: () => {
        throw new Error("reporter down");
      },
    })(request());
    expect(response.status).toBe(500);
    expect(errors).not.toHaveBeenCalled();
  });

  it("refuses an onError that is not a function", () => {
    expect(() => compose([], () => new Response(), { onError: "log" as never })).toThrow(TypeError);
  });
});
