import { describe, expect, it } from "vitest";
import { type ContextOptions, createContext } from "./context.js";
import { addressGroup, normalizeIp, resolveSourceIpOptions, sourceIpOf } from "./source-ip.js";

describe("sourceIpOf: the proxyHops-th x-forwarded-for entry from the right", () => {
  it.each([
    [
      "the rightmost hop by default (what the nearest proxy saw)",
      { "x-forwarded-for": "6.6.6.6, 203.0.113.5" },
      1,
      "203.0.113.5",
    ],
    ["a forged first hop is ignored", { "x-forwarded-for": "1.1.1.1, 2.2.2.2, 203.0.113.5" }, 1, "203.0.113.5"],
    [
      "two hops: the address the outer proxy saw",
      { "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.0.0.2" },
      2,
      "203.0.113.5",
    ],
    ["a chain shorter than proxyHops: its first entry", { "x-forwarded-for": "203.0.113.5" }, 3, "203.0.113.5"],
    ["entries trimmed", { "x-forwarded-for": " 10.0.0.1 ,  203.0.113.5  " }, 1, "203.0.113.5"],
    ["a port is dropped", { "x-forwarded-for": "203.0.113.5:4711" }, 1, "203.0.113.5"],
    ["a bracketed IPv6 with a port", { "x-forwarded-for": "[2001:DB8::1]:443" }, 1, "2001:db8::1"],
    ["IPv4-mapped IPv6 is IPv4", { "x-forwarded-for": "::ffff:203.0.113.5" }, 1, "203.0.113.5"],
    [
      "x-real-ip when the entry is no address",
      { "x-forwarded-for": "unknown", "x-real-ip": "198.51.100.2" },
      1,
      "198.51.100.2",
    ],
    [
      "x-real-ip when x-forwarded-for is empty",
      { "x-forwarded-for": "", "x-real-ip": "198.51.100.2" },
      1,
      "198.51.100.2",
    ],
    ["cf-connecting-ip is not trusted by default", { "cf-connecting-ip": "198.51.100.3" }, 1, null],
    ["proxyHops 0 trusts no header", { "x-forwarded-for": "203.0.113.5", "x-real-ip": "198.51.100.2" }, 0, null],
    ["garbage is no address", { "x-forwarded-for": "<script>" }, 1, null],
    ["null without any header", {}, 1, null],
  ])("%s", (_case, headers, hops, ip) => {
    expect(sourceIpOf(new Headers(headers), hops)).toBe(ip);
  });
});

describe("normalizeIp", () => {
  it.each([
    ["203.0.113.5", "203.0.113.5"],
    ["2001:DB8::1", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1%eth0"],
    ["::ffff:127.0.0.2", "127.0.0.2"],
    ["example.com", null],
    ["1.2.3", null],
    ["", null],
    [`${"1".repeat(70)}`, null],
  ])("%s → %s", (value, ip) => {
    expect(normalizeIp(value)).toBe(ip);
  });
});

describe("addressGroup: the default rate-limit key", () => {
  it.each([
    ["203.0.113.5", "203.0.113.5"],
    ["2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff::", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["64:ff9b::203.0.113.5", "64:ff9b:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
  ])("%s → %s", (ip, group) => {
    expect(addressGroup(ip)).toBe(group);
  });

  it("puts two addresses of one /64 in one bucket, and of two /64s in two", () => {
    expect(addressGroup("2001:db8:0:1::a")).toBe(addressGroup("2001:db8:0:1:ffff::b"));
    expect(addressGroup("2001:db8:0:1::a")).not.toBe(addressGroup("2001:db8:0:2::a"));
  });
});

describe("the context's source IP", () => {
  const request = (headers: Record<string, string> = {}) => new Request("https://app.example/x", { headers });
  it.each<[string, ContextOptions, Record<string, string>, string | null]>([
    [
      "clientIp wins over every header",
      { clientIp: () => "198.51.100.7" },
      { "x-forwarded-for": "203.0.113.5" },
      "198.51.100.7",
    ],
    ["clientIp returning null: unknown", { clientIp: () => null }, { "x-forwarded-for": "203.0.113.5" }, null],
    [
      "clientIp that throws: unknown",
      {
        clientIp: () => {
          throw new Error("no");
        },
      },
      {},
      null,
    ],
    [
      "proxyHops from the options",
      { proxyHops: 2 },
      { "x-forwarded-for": "1.1.1.1, 203.0.113.5, 10.0.0.9" },
      "203.0.113.5",
    ],
  ])("%s", (_case, options, headers, ip) => {
    const ctx = createContext(request(headers), "x", options);
    expect(ctx.sourceIp).toBe(ip);
    expect(ctx.audit.sourceIp).toBe(ip);
  });

  it("falls back to the socket address of a source without proxy headers", () => {
    const ctx = createContext(
      {
        method: "GET",
        url: "http://a.example/",
        headers: new Headers(),
        remoteAddress: "::ffff:127.0.0.2",
        body: () => null,
        toRequest: () => new Request("http://a.example/"),
      },
      "x",
      { proxyHops: 0 },
    );
    expect(ctx.sourceIp).toBe("127.0.0.2");
  });

  it.each([
    ["proxyHops -1", { proxyHops: -1 }],
    ["proxyHops 1.5", { proxyHops: 1.5 }],
    ["clientIp not a function", { clientIp: "1.2.3.4" }],
  ])("refuses %s at creation", (_case, options) => {
    expect(() => resolveSourceIpOptions(options as never)).toThrow(TypeError);
  });
});
