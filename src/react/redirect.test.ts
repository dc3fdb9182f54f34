// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { isSafeRedirect } from "./redirect.js";

// The page is http://localhost:3000/ (vitest's jsdom default).
describe("isSafeRedirect: only https: or the page's own origin", () => {
  it.each([
    ["https://checkout.stripe.com/c/pay/cs_test_1", true],
    ["https://billing.stripe.com/p/session/bps_1", true],
    ["/api/stand-in/checkout", true],
    ["http://localhost:3000/welcome", true],
    ["?step=2", true],
    ["http://localhost:3001/", false],
    ["http://checkout.stripe.com/c/pay/cs_test_1", false],
    ["//evil.example/x", false],
    ["javascript:alert(1)", false],
    ["JavaScript:alert(1)", false],
    ["data:text/html,hi", false],
    ["vbscript:msgbox", false],
    ["ftp://files.example/", false],
    ["https://[bad", false],
    ["", false],
    [undefined, false],
    [null, false],
    [42, false],
  ])("%j → %s", (url, safe) => {
    expect(isSafeRedirect(url)).toBe(safe);
  });
});
