import { describe, expect, it } from "vitest";
import { TollgateError } from "../http/errors.js";
import { validateCallbackUrl, withCallbackUrl } from "./callback-url.js";

const ALLOWED = ["https://app.example"];

const refused = [
  "//evil.com",
  "///evil.com",
  "/\\evil.com",
  "\\\\evil.com",
  "\\/evil.com",
  "/%2F%2Fevil.com",
  "%2F%2Fevil.com",
  "/%5Cevil.com",
  "%5C%5Cevil.com",
  "https:evil.com",
  "https:/evil.com",
  "http:evil.com",
  "https://evil.com",
  "https://evil.com/dashboard",
  "https://app.example@evil.com",
  "https://app.example:secret@evil.com",
  "https://user@app.example/",
  "https://app.example.evil.com",
  "https://evil.com?https://app.example",
  "http://app.example",
  "https://app.example:8443/",
  "javascript:alert(1)",
  "JavaScript:alert(1)",
  "JAVASCRIPT:alert(1)",
  "java\tscript:alert(1)",
  "java\nscript:alert(1)",
  "javascript%3Aalert(1)",
  " javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "DATA:text/html;base64,PHNjcmlwdD4=",
  "vbscript:msgbox(1)",
  "VBScript:msgbox(1)",
  "file:///etc/passwd",
  "ftp://app.example/",
  "mailto:a@b.c",
  "/../admin",
  "/dashboard/../../admin",
  "/%2e%2e/admin",
  "/%2E%2E/admin",
  "/..%2fadmin",
  "/dashboard\u0000",
  "/dash\u0007board",
  "/dash board",
  "/dashboard%20x",
  "/dash%0d%0aSet-Cookie:x=1",
  "/dashboard\t",
  "%",
  "/%E0%A4%A",
  "dashboard",
  "evil.com",
  "?next=https://evil.com",
];

// A `..` segment in every spelling a browser resolves after the one decode, and Unicode format
// characters (zero-width, bidi overrides) that make a URL read as something else.
const hiddenTraversalAndFormat = [
  "/%252e%252e/admin",
  "/%252E%252E/admin",
  "/.%252e/admin",
  "/%252e./admin",
  "/dashboard/%252e%252e/%252e%252e/admin",
  "/%25252e%25252e/admin",
  "/.%2e/admin",
  "/%2e./admin",
  "/a/%252e%252e",
  "/%252f%252fevil.com",
  "/%255cevil.com",
  "https://app.example/%252e%252e/admin",
  "/dash\u200bboard",
  "/dash%E2%80%8Bboard",
  "/\u202eevil",
  "/%E2%80%AEevil",
  "/x\u2066y",
  "/\ufeffdashboard",
  "/dash%C2%ADboard",
  "https://app.example/\u200d",
];

const accepted: Array<[string, string]> = [
  ["/dashboard", "/dashboard"],
  ["/dashboard?tab=billing&x=1", "/dashboard?tab=billing&x=1"],
  ["/settings/billing#plan", "/settings/billing#plan"],
  ["/", "/"],
  ["/a.b/c..d/file.txt", "/a.b/c..d/file.txt"],
  ["%2Fdashboard%3Ftab%3Dbilling", "/dashboard?tab=billing"],
  ["https://app.example/welcome", "https://app.example/welcome"],
  ["https://APP.example/welcome", "https://APP.example/welcome"],
  ["https://app.example", "https://app.example"],
  ["/search?q=%252e%252e", "/search?q=%2e%2e"],
  ["/caf%C3%A9", "/café"],
  ["/a.%2eb/c", "/a..b/c"],
];

describe("validateCallbackUrl", () => {
  it(`refuses ${refused.length} hostile or malformed callback URLs`, () => {
    expect(refused.length).toBeGreaterThanOrEqual(30);
  });

  it.each([...refused, ...hiddenTraversalAndFormat])("refuses %j", (value) => {
    let error: unknown;
    try {
      validateCallbackUrl(value, ALLOWED);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TollgateError);
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", details: { callbackUrl: [expect.any(String)] } });
  });

  it.each(accepted)("accepts %j as %j", (value, expected) => {
    expect(validateCallbackUrl(value, ALLOWED)).toBe(expected);
  });

  it.each([undefined, null, ""])("treats %j as absent", (value) => {
    expect(validateCallbackUrl(value, ALLOWED)).toBeNull();
  });

  it("refuses a non-string", () => {
    expect(() => validateCallbackUrl({ url: "/x" }, ALLOWED)).toThrow(TollgateError);
  });

  it("accepts another origin only when it is allowed", () => {
    expect(() => validateCallbackUrl("https://docs.example/x", ALLOWED)).toThrow(TollgateError);
    expect(validateCallbackUrl("https://docs.example/x", [...ALLOWED, "https://docs.example"])).toBe(
      "https://docs.example/x",
    );
  });
});

describe("withCallbackUrl", () => {
  it.each([
    ["https://app.example/done", "/x?y=1", "https://app.example/done?callbackUrl=%2Fx%3Fy%3D1"],
    [
      "https://app.example/done?session_id={CHECKOUT_SESSION_ID}",
      "/billing",
      "https://app.example/done?session_id={CHECKOUT_SESSION_ID}&callbackUrl=%2Fbilling",
    ],
    ["https://app.example/done#top", "/a", "https://app.example/done?callbackUrl=%2Fa#top"],
  ])("appends to %s", (successUrl, callback, expected) => {
    expect(withCallbackUrl(successUrl, callback)).toBe(expected);
  });

  it("leaves the URL alone without a callback", () => {
    expect(withCallbackUrl("https://app.example/done", null)).toBe("https://app.example/done");
  });
});
