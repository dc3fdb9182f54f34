import { afterEach, describe, expect, it, vi } from "vitest";
import { createContext } from "./context.js";

afterEach(() => vi.useRealTimers());

describe("createContext", () => {
  it("starts the audit record with what the request says, at the faked time", () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const request = new Request("https://app.example/hook?x=1", {
      method: "post",
      headers: { "x-forwarded-for": "203.0.113.7" },
    });
    const ctx = createContext(request, "stripe-webhook");
    expect(ctx.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ctx).toMatchObject({
      method: "POST",
      url: "https://app.example/hook?x=1",
      route: "stripe-webhook",
      sourceIp: "203.0.113.7",
      receivedAt: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      rawBody: undefined,
      state: {},
    });
    expect(ctx.request).toBe(request);
    expect(ctx.audit).toEqual({
      requestId: ctx.requestId,
      timestamp: "2026-01-02T03:04:05.678Z",
      route: "stripe-webhook",
      method: "POST",
      sourceIp: "203.0.113.7",
      mutations: [],
    });
  });

  it("gives every request its own id", () => {
    const ids = new Set(
      Array.from({ length: 50 }, () => createContext(new Request("https://a.example"), "x").requestId),
    );
    expect(ids.size).toBe(50);
  });
});
