import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hmacUnderTest } from "../../test/support/hmac-switch.js";
import { outcomeOf } from "../../test/support/outcome.js";
import { toHex, utf8 } from "../crypto/encoding.js";
import { signStripePayload } from "../testing/sign.js";
import { stripeSignatureBytes, verifyStripeSignature } from "./signature.js";

vi.mock("../crypto/hmac.js", async (importOriginal) => {
  const { switchingHmac } = await import("../../test/support/hmac-switch.js");
  return switchingHmac(await importOriginal());
});

// Known vector: Stripe's scheme, HMAC-SHA256 hex of `${t}.${body}` keyed with the whole `whsec_…` string.
const SECRET = "whsec_test_secret";
const BODY = '{"id":"evt_test","object":"event"}';
const T = 1_700_000_000;
const V1 = "8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724";
const OTHER = "whsec_dGhlIG90aGVyIHNlY3JldCBmb3Igcm90YXRpb24=";
const GOOD = `t=${T},v1=${V1}`;
const FLIPPED = `${V1.slice(0, -1)}${V1.endsWith("0") ? "1" : "0"}`;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T * 1000);
});
afterEach(() => vi.useRealTimers());

describe.each(["web", "node"] as const)("verifyStripeSignature with the %s HMAC", (impl) => {
  beforeEach(() => {
    hmacUnderTest.impl = impl;
  });

  it("computes through the implementation under test", async () => {
    const before = { ...hmacUnderTest.calls };
    await verifyStripeSignature(BODY, GOOD, SECRET);
    expect(hmacUnderTest.calls[impl]).toBe(before[impl] + 1);
    expect(hmacUnderTest.calls[impl === "web" ? "node" : "web"]).toBe(before[impl === "web" ? "node" : "web"]);
  });

  it("reproduces the known vector and returns the signed timestamp", async () => {
    expect(toHex(await stripeSignatureBytes(SECRET, T, new TextEncoder().encode(BODY)))).toBe(V1);
    expect(await signStripePayload(BODY, SECRET, { timestamp: T })).toEqual({ "stripe-signature": GOOD });
    await expect(verifyStripeSignature(BODY, GOOD, SECRET)).resolves.toEqual({ timestamp: T });
  });

  it.each([
    // header                                            → code
    ["absent header", null, "MISSING_SIGNATURE"],
    ["empty header", "", "MISSING_SIGNATURE"],
    ["whitespace-only header", "  \t ", "MISSING_SIGNATURE"],
    ["no t", `v1=${V1}`, "INVALID_SIGNATURE"],
    ["two t (even equal)", `t=${T},t=${T},v1=${V1}`, "INVALID_SIGNATURE"],
    ["two different t", `t=${T},v1=${V1},t=${T + 1}`, "INVALID_SIGNATURE"],
    ["non-numeric t", `t=abc,v1=${V1}`, "INVALID_SIGNATURE"],
    ["empty t", `t=,v1=${V1}`, "INVALID_SIGNATURE"],
    ["negative t", `t=-${T},v1=${V1}`, "INVALID_SIGNATURE"],
    ["fractional t", `t=${T}.5,v1=${V1}`, "INVALID_SIGNATURE"],
    ["no v1", `t=${T}`, "INVALID_SIGNATURE"],
    ["only v0", `t=${T},v0=${V1}`, "INVALID_SIGNATURE"],
    ["only unknown schemes", `t=${T},v2=${V1},x=1`, "INVALID_SIGNATURE"],
    ["no key=value at all", "nonsense", "INVALID_SIGNATURE"],
    ["truncated v1", `t=${T},v1=${V1.slice(0, 63)}`, "INVALID_SIGNATURE"],
    ["non-hex v1", `t=${T},v1=${"g".repeat(64)}`, "INVALID_SIGNATURE"],
    ["one flipped signature digit", `t=${T},v1=${FLIPPED}`, "INVALID_SIGNATURE"],
    ["signature for another timestamp", `t=${T - 1},v1=${V1}`, "INVALID_SIGNATURE"],
    ["valid", GOOD, "OK"],
    ["several v1, the last matches", `t=${T},v1=${"0".repeat(64)},v1=${FLIPPED},v1=${V1}`, "OK"],
    ["several v1, the first matches", `t=${T},v1=${V1},v1=zz`, "OK"],
    ["v0 and unknown schemes beside v1 are ignored", `t=${T},v0=abc,x9=1,v1=${V1}`, "OK"],
    ["entries in any order", `v1=${V1},t=${T}`, "OK"],
  ] as const)("header: %s → %s", async (_case, header, code) => {
    expect(await outcomeOf(verifyStripeSignature(BODY, header, SECRET))).toBe(code);
  });

  it.each([
    ["one tampered byte", BODY.replace("evt_test", "evt_tesT"), "INVALID_SIGNATURE"],
    ["a trailing newline", `${BODY}\n`, "INVALID_SIGNATURE"],
    ["the same JSON re-serialised", JSON.stringify(JSON.parse(BODY), null, 1), "INVALID_SIGNATURE"],
    ["an empty body", "", "INVALID_SIGNATURE"],
    ["the exact bytes as a Uint8Array", new TextEncoder().encode(BODY), "OK"],
  ] as const)("body: %s → %s", async (_case, body, code) => {
    expect(await outcomeOf(verifyStripeSignature(body, GOOD, SECRET))).toBe(code);
  });

  it.each([
    ["the wrong secret", OTHER, "INVALID_SIGNATURE"],
    ["rotation, the second secret matches", [OTHER, SECRET], "OK"],
    ["rotation, the first secret matches", [SECRET, OTHER], "OK"],
    ["an empty secret", "", "CONFIGURATION_ERROR"],
    ["a whitespace secret", "   ", "CONFIGURATION_ERROR"],
    ["no secrets", [], "CONFIGURATION_ERROR"],
    ["a list with an empty entry (skipped)", [SECRET, ""], "OK"],
    ["a list with an unset entry (skipped)", [undefined, SECRET], "OK"],
    ["a list of only empty and unset entries", ["", undefined], "CONFIGURATION_ERROR"],
    ["a secret with a pasted newline (trimmed)", `${SECRET}\n`, "OK"],
    ["an unset secret", undefined, "CONFIGURATION_ERROR"],
  ] as const)("secrets: %s → %s", async (_case, secrets, code) => {
    expect(await outcomeOf(verifyStripeSignature(BODY, GOOD, secrets as unknown as string[]))).toBe(code);
  });

  it("verifies an empty body that was signed empty", async () => {
    const { "stripe-signature": header } = await signStripePayload("", SECRET);
    expect(await outcomeOf(verifyStripeSignature("", header!, SECRET))).toBe("OK");
    expect(await outcomeOf(verifyStripeSignature(" ", header!, SECRET))).toBe("INVALID_SIGNATURE");
  });

  it("verifies the bytes as received, not a decoded and re-encoded copy", async () => {
    const raw = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]); // not valid UTF-8
    const header = `t=${T},v1=${toHex(await stripeSignatureBytes(SECRET, T, raw))}`;
    expect(await outcomeOf(verifyStripeSignature(raw, header, SECRET))).toBe("OK");
    expect(await outcomeOf(verifyStripeSignature(utf8(raw), header, SECRET))).toBe("INVALID_SIGNATURE");
  });

  it.each([
    // seconds before now (negative: ahead), window options → code
    [299, {}, "OK"],
    [300, {}, "OK"],
    [301, {}, "TIMESTAMP_TOO_OLD"],
    [-59, {}, "OK"],
    [-60, {}, "OK"],
    [-61, {}, "TIMESTAMP_IN_FUTURE"],
    [86_400, {}, "TIMESTAMP_TOO_OLD"],
    [10, { pastSeconds: 10 }, "OK"],
    [11, { pastSeconds: 10 }, "TIMESTAMP_TOO_OLD"],
    [-5, { futureSeconds: 5 }, "OK"],
    [-6, { futureSeconds: 5 }, "TIMESTAMP_IN_FUTURE"],
    [0, { pastSeconds: 0, futureSeconds: 0 }, "OK"],
    [-1, { futureSeconds: 0 }, "TIMESTAMP_IN_FUTURE"],
  ] as const)("signed %i s before now with window %o → %s", async (age, options, code) => {
    const { "stripe-signature": header } = await signStripePayload(BODY, SECRET, { timestamp: T - age });
    expect(await outcomeOf(verifyStripeSignature(BODY, header!, SECRET, options))).toBe(code);
  });

  it("compares whole seconds: 300 s and 999 ms old is still inside the window", async () => {
    const { "stripe-signature": header } = await signStripePayload(BODY, SECRET, { timestamp: T - 300 });
    vi.setSystemTime(T * 1000 + 999);
    expect(await outcomeOf(verifyStripeSignature(BODY, header!, SECRET))).toBe("OK");
    vi.setSystemTime(T * 1000 + 1000);
    expect(await outcomeOf(verifyStripeSignature(BODY, header!, SECRET))).toBe("TIMESTAMP_TOO_OLD");
  });

  it("uses the injected clock instead of Date.now", async () => {
    expect(await outcomeOf(verifyStripeSignature(BODY, GOOD, SECRET, { now: (T + 301) * 1000 }))).toBe(
      "TIMESTAMP_TOO_OLD",
    );
    vi.setSystemTime((T + 3600) * 1000);
    expect(await outcomeOf(verifyStripeSignature(BODY, GOOD, SECRET, { now: T * 1000 }))).toBe("OK");
  });

  it.each([
    ["old, wrong secret", 3600, OTHER, "INVALID_SIGNATURE"],
    ["ahead, wrong secret", -3600, OTHER, "INVALID_SIGNATURE"],
    ["old, right secret (a replay)", 3600, SECRET, "TIMESTAMP_TOO_OLD"],
    ["ahead, right secret", -3600, SECRET, "TIMESTAMP_IN_FUTURE"],
  ] as const)("checks the signature before the timestamp: %s → %s", async (_case, age, secret, code) => {
    const { "stripe-signature": header } = await signStripePayload(BODY, SECRET, { timestamp: T - age });
    expect(await outcomeOf(verifyStripeSignature(BODY, header!, secret))).toBe(code);
  });

  it.each([
    [{ pastSeconds: -1 }],
    [{ futureSeconds: -1 }],
    [{ pastSeconds: Number.NaN }],
    [{ pastSeconds: "300" as unknown as number }],
  ])("refuses window options %o with a TypeError", async (options) => {
    await expect(verifyStripeSignature(BODY, GOOD, SECRET, options)).rejects.toThrow(TypeError);
  });
});
