import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { hmacUnderTest } from "../../test/support/hmac-switch.js";
import { outcomeOf } from "../../test/support/outcome.js";
import { toBase64 } from "../crypto/encoding.js";
import { signSvixPayload } from "../testing/sign.js";
import { verifySvixSignature } from "./signature.js";

vi.mock("../crypto/hmac.js", async (importOriginal) => {
  const { switchingHmac } = await import("../../test/support/hmac-switch.js");
  return switchingHmac(await importOriginal());
});

// Known vector (Svix / Standard Webhooks): base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, keyed with
// the base64-decoded secret after `whsec_`.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = 1_614_265_330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const OTHER = "whsec_dGhlIG90aGVyIHNlY3JldCBmb3Igcm90YXRpb24=";
const TAMPERED = SIGNATURE.replace("g0hM", "g0hN");
const VECTOR = { "svix-id": ID, "svix-timestamp": String(TS), "svix-signature": SIGNATURE };

/** The vector's headers with some replaced; `undefined` leaves a header out. */
function headers(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...VECTOR, ...overrides };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)) as Record<
    string,
    string
  >;
}

const twins = (prefix: string, casing: (name: string) => string = (name) => name) => ({
  [casing(`${prefix}-id`)]: ID,
  [casing(`${prefix}-timestamp`)]: String(TS),
  [casing(`${prefix}-signature`)]: SIGNATURE,
});

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(TS * 1000);
});
afterEach(() => vi.useRealTimers());

describe.each(["web", "node"] as const)("verifySvixSignature with the %s HMAC", (impl) => {
  beforeEach(() => {
    hmacUnderTest.impl = impl;
  });

  it("computes through the implementation under test", async () => {
    const before = { ...hmacUnderTest.calls };
    await verifySvixSignature(BODY, VECTOR, SECRET);
    const other = impl === "web" ? "node" : "web";
    expect(hmacUnderTest.calls[impl]).toBe(before[impl] + 1);
    expect(hmacUnderTest.calls[other]).toBe(before[other]);
  });

  it("reproduces the known vector and returns the id and timestamp", async () => {
    expect(await signSvixPayload(BODY, SECRET, { id: ID, timestamp: TS })).toEqual(VECTOR);
    await expect(verifySvixSignature(BODY, VECTOR, SECRET)).resolves.toEqual({ id: ID, timestamp: TS });
  });

  it.each([
    ["no headers", {}, "MISSING_SIGNATURE"],
    ["no svix-id", headers({ "svix-id": undefined }), "MISSING_SIGNATURE"],
    ["no svix-timestamp", headers({ "svix-timestamp": undefined }), "MISSING_SIGNATURE"],
    ["no svix-signature", headers({ "svix-signature": undefined }), "MISSING_SIGNATURE"],
    ["empty svix-id", headers({ "svix-id": "" }), "MISSING_SIGNATURE"],
    ["empty svix-signature", headers({ "svix-signature": "" }), "MISSING_SIGNATURE"],
    ["whitespace-only svix-signature", headers({ "svix-signature": "   " }), "MISSING_SIGNATURE"],
    ["whitespace-only svix-timestamp", headers({ "svix-timestamp": " " }), "MISSING_SIGNATURE"],
    ["non-numeric timestamp", headers({ "svix-timestamp": "soon" }), "INVALID_SIGNATURE"],
    ["fractional timestamp", headers({ "svix-timestamp": `${TS}.5` }), "INVALID_SIGNATURE"],
    ["negative timestamp", headers({ "svix-timestamp": `-${TS}` }), "INVALID_SIGNATURE"],
    ["a signature without a version", headers({ "svix-signature": SIGNATURE.slice(3) }), "INVALID_SIGNATURE"],
    ["only v2 entries", headers({ "svix-signature": `v2,${SIGNATURE.slice(3)}` }), "INVALID_SIGNATURE"],
    ["v1 that is not base64", headers({ "svix-signature": "v1,not base64!" }), "INVALID_SIGNATURE"],
    ["one changed signature character", headers({ "svix-signature": TAMPERED }), "INVALID_SIGNATURE"],
    ["another id (the id is signed)", headers({ "svix-id": "msg_other" }), "INVALID_SIGNATURE"],
    ["another timestamp (it is signed)", headers({ "svix-timestamp": String(TS - 1) }), "INVALID_SIGNATURE"],
    ["valid", VECTOR, "OK"],
    [
      "several entries, the last matches",
      headers({ "svix-signature": `v1,AAAA v2,zzz ${TAMPERED} ${SIGNATURE}` }),
      "OK",
    ],
    ["several entries, the first matches", headers({ "svix-signature": `${SIGNATURE} v1,AAAA` }), "OK"],
    ["webhook-* twins", twins("webhook"), "OK"],
    ["upper-case svix-* names", twins("svix", (name) => name.toUpperCase()), "OK"],
    ["Title-Case webhook-* names", twins("webhook", (name) => name.replace(/\b\w/g, (c) => c.toUpperCase())), "OK"],
  ] as const)("headers: %s → %s", async (_case, record, code) => {
    expect(await outcomeOf(verifySvixSignature(BODY, record, SECRET))).toBe(code);
    expect(await outcomeOf(verifySvixSignature(BODY, new Headers(record), SECRET))).toBe(code);
  });

  it.each([
    ["one tampered byte", BODY.replace("2432232314", "2432232315"), "INVALID_SIGNATURE"],
    ["a trailing newline", `${BODY}\n`, "INVALID_SIGNATURE"],
    ["the same JSON re-serialised", JSON.stringify(JSON.parse(BODY)), "INVALID_SIGNATURE"],
    ["an empty body", "", "INVALID_SIGNATURE"],
    ["the exact bytes as a Uint8Array", new TextEncoder().encode(BODY), "OK"],
  ] as const)("body: %s → %s", async (_case, body, code) => {
    expect(await outcomeOf(verifySvixSignature(body, VECTOR, SECRET))).toBe(code);
  });

  it.each([
    ["the wrong secret", OTHER, "INVALID_SIGNATURE"],
    ["rotation, the second secret matches", [OTHER, SECRET], "OK"],
    ["rotation, the first secret matches", [SECRET, OTHER], "OK"],
    ["the raw base64 secret without whsec_", SECRET.slice("whsec_".length), "OK"],
    ["an empty secret", "", "CONFIGURATION_ERROR"],
    ["no secrets", [], "CONFIGURATION_ERROR"],
    ["a secret that is not base64", "whsec_not base64!", "CONFIGURATION_ERROR"],
    ["a bare whsec_ prefix", "whsec_", "CONFIGURATION_ERROR"],
  ] as const)("secrets: %s → %s", async (_case, secrets, code) => {
    expect(await outcomeOf(verifySvixSignature(BODY, VECTOR, secrets as string | string[]))).toBe(code);
  });

  it("verifies an empty body that was signed empty", async () => {
    const signed = await signSvixPayload("", SECRET);
    expect(await outcomeOf(verifySvixSignature("", signed, SECRET))).toBe("OK");
    expect(await outcomeOf(verifySvixSignature(" ", signed, SECRET))).toBe("INVALID_SIGNATURE");
  });

  it("signs and verifies with a secret of arbitrary bytes", async () => {
    const secret = `whsec_${toBase64(Uint8Array.from({ length: 32 }, (_, i) => 255 - i))}`;
    const signed = await signSvixPayload(BODY, secret, { id: "msg_bytes" });
    await expect(verifySvixSignature(BODY, signed, secret)).resolves.toEqual({ id: "msg_bytes", timestamp: TS });
  });

  it.each([
    [299, {}, "OK"],
    [300, {}, "OK"],
    [301, {}, "TIMESTAMP_TOO_OLD"],
    [-59, {}, "OK"],
    [-60, {}, "OK"],
    [-61, {}, "TIMESTAMP_IN_FUTURE"],
    [10, { pastSeconds: 10 }, "OK"],
    [11, { pastSeconds: 10 }, "TIMESTAMP_TOO_OLD"],
    [-5, { futureSeconds: 5 }, "OK"],
    [-6, { futureSeconds: 5 }, "TIMESTAMP_IN_FUTURE"],
  ] as const)("signed %i s before now with window %o → %s", async (age, options, code) => {
    const signed = await signSvixPayload(BODY, SECRET, { timestamp: TS - age });
    expect(await outcomeOf(verifySvixSignature(BODY, signed, SECRET, options))).toBe(code);
  });

  it("uses the injected clock instead of Date.now", async () => {
    expect(await outcomeOf(verifySvixSignature(BODY, VECTOR, SECRET, { now: (TS - 61) * 1000 }))).toBe(
      "TIMESTAMP_IN_FUTURE",
    );
  });

  it.each([
    ["old, wrong secret", 3600, OTHER, "INVALID_SIGNATURE"],
    ["ahead, wrong secret", -3600, OTHER, "INVALID_SIGNATURE"],
    ["old, right secret (a replay)", 3600, SECRET, "TIMESTAMP_TOO_OLD"],
    ["ahead, right secret", -3600, SECRET, "TIMESTAMP_IN_FUTURE"],
  ] as const)("checks the signature before the timestamp: %s → %s", async (_case, age, secret, code) => {
    const signed = await signSvixPayload(BODY, SECRET, { timestamp: TS - age });
    expect(await outcomeOf(verifySvixSignature(BODY, signed, secret))).toBe(code);
  });
});
