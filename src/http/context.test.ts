import { afterEach, describe, expect, it, vi } from "vitest";
import { createContext, sourceIpOf } from "./context.js";

afterEach(() => vi.useRealTimers());

describe("sourceIpOf", () => {
  it.each([
    ["the first hop of x-forwarded-for", { "x-forwarded-for": "203.0.113.5, 10.0.0.1, 10.0.0.2" }, "203.0.113.5"],
    ["x-forwarded-for, trimmed", { "x-forwarded-for": "  203.0.113.5 ,10.0.0.1" }, "203.0.113.5"],
    [
      "x-forwarded-for over x-real-ip and cf-connecting-ip",
      { "x-forwarded-for": "203.0.113.5", "x-real-ip": "198.51.100.2", "cf-connecting-ip": "198.51.100.3" },
      "203.0.113.5",
    ],
    [
      "x-real-ip over cf-connecting-ip",
      { "x-real-ip": "198.51.100.2", "cf-connecting-ip": "198.51.100.3" },
      "198.51.100.2",
    ],
    ["cf-connecting-ip last", { "cf-connecting-ip": "198.51.100.3" }, "198.51.100.3"],
    ["x-real-ip when x-forwarded-for is empty", { "x-forwarded-for": "", "x-real-ip": "198.51.100.2" }, "198.51.100.2"],
    [
      "x-real-ip when the first hop is blank",
      { "x-forwarded-for": " , 10.0.0.1", "x-real-ip": "198.51.100.2" },
      "198.51.100.2",
    ],
    [
      "cf-connecting-ip when x-real-ip is blank",
      { "x-real-ip": " ", "cf-connecting-ip": "198.51.100.3" },
      "198.51.100.3",
    ],
    ["an IPv6 address", { "x-forwarded-for": "2001:db8::1, 10.0.0.1" }, "2001:db8::1"],
    ["null without any of them", {}, null],
  ])("reads %s", (_case, headers, ip) => {
    expect(sourceIpOf(new Headers(headers))).toBe(ip);
  });
});

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
