import { describe, expect, it } from "vitest";
import { maskEmail } from "./email.js";

describe("maskEmail never shows a whole local part", () => {
  it.each([
    ["a@example.com", "***@example.com"],
    ["ab@example.com", "***@example.com"],
    ["abc@example.com", "ab***@example.com"],
    ["abcd@example.com", "ab***@example.com"],
    ["abcde@example.com", "ab***@example.com"],
    ["ada.lovelace@example.com", "ad***@example.com"],
    ['"a@b"@example.com', '"a***@example.com'],
    ["no-at-sign", "***"],
    ["@example.com", "***"],
  ])("%s → %s", (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
    const local = email.slice(0, email.lastIndexOf("@"));
    if (local.length > 0) expect(masked.startsWith(`${local}***`)).toBe(false);
  });
});
