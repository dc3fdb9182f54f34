import { describe, expect, it, vi } from "vitest";
import { compose } from "../http/compose.js";
import { allowMethods } from "./allow-methods.js";

function route(methods: string[]) {
  const endpoint = vi.fn(() => Response.json({ ok: true }));
  return { handler: compose([allowMethods(methods)], endpoint), endpoint };
}

describe("allowMethods", () => {
  it.each([
    [["POST"], "POST", 200, null],
    [["POST"], "GET", 405, "POST"],
    [["POST"], "PUT", 405, "POST"],
    [["POST"], "DELETE", 405, "POST"],
    [["POST"], "PATCH", 405, "POST"],
    [["POST"], "HEAD", 405, "POST"],
    [["POST"], "OPTIONS", 405, "POST"],
    [["GET"], "get", 200, null],
    [["post", "get"], "GET", 200, null],
    [["post", "get"], "PUT", 405, "POST, GET"],
  ])("allowing %j, %s → %i with Allow %s", async (methods, method, status, allow) => {
    const { handler, endpoint } = route(methods);
    const response = await handler(new Request("https://app.example/x", { method }));
    expect(response.status).toBe(status);
    expect(response.headers.get("allow")).toBe(allow);
    expect(endpoint).toHaveBeenCalledTimes(status === 200 ? 1 : 0);
    if (status === 405 && method !== "HEAD") {
      expect(await response.json()).toEqual({
        error: "Method not allowed.",
        code: "METHOD_NOT_ALLOWED",
        requestId: response.headers.get("x-request-id"),
      });
    }
  });

  it.each([[[]], [undefined], ["POST"], [["POST", 1]]])("refuses %j with a TypeError", (methods) => {
    expect(() => allowMethods(methods as string[])).toThrow(TypeError);
  });
});
