import Stripe from "stripe";
import { Webhook } from "svix";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as webHmac from "../src/crypto/hmac.js";
import * as nodeHmac from "../src/crypto/hmac-node.js";
import { TollgateError } from "../src/index.js";
import { verifyStripeSignature, verifySvixSignature } from "../src/security.js";
import { signStripePayload, signSvixPayload } from "../src/testing.js";

const hmac = vi.hoisted(() => ({ impl: "web" as "web" | "node", calls: { web: 0, node: 0 } }));
vi.mock("../src/crypto/hmac.js", async (importOriginal) => {
  const web = await importOriginal<typeof import("../src/crypto/hmac.js")>();
  const node = await import("../src/crypto/hmac-node.js");
  return {
    ...web,
    hmacSha256: (...args: Parameters<typeof web.hmacSha256>) => {
      hmac.calls[hmac.impl]++;
      return (hmac.impl === "node" ? node : web).hmacSha256(...args);
    },
  };
});

const STRIPE_SECRET = "whsec_test_secret";
const STRIPE_BODY = '{"id":"evt_test","object":"event"}';
const STRIPE_V1 = "8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724";
const SVIX_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SVIX_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SVIX_BODY = '{"test": 2432232314}';
const SVIX_V1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const OTHER = "whsec_dGhlIG90aGVyIHNlY3JldCBmb3Igcm90YXRpb24=";
const T = 1_700_000_000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return error instanceof TollgateError ? error.code : `unexpected ${String(error)}`;
  }
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T * 1000);
});
afterEach(() => vi.useRealTimers());

describe.each(["web", "node"] as const)("signatures with the %s HMAC", (impl) => {
  beforeEach(() => {
    hmac.impl = impl;
  });

  it("verifies through the implementation under test", async () => {
    const before = hmac.calls[impl];
    await verifyStripeSignature(STRIPE_BODY, `t=${T},v1=${STRIPE_V1}`, STRIPE_SECRET);
    expect(hmac.calls[impl]).toBe(before + 1);
    const direct = await (impl === "node" ? nodeHmac : webHmac).hmacSha256(
      { id: "probe", bytes: new Uint8Array([1]) },
      [new Uint8Array([2])],
    );
    expect(direct).toHaveLength(32);
  });

  it("matches Stripe's known vector", async () => {
    expect(await signStripePayload(STRIPE_BODY, STRIPE_SECRET, { timestamp: T })).toEqual({
      "stripe-signature": `t=${T},v1=${STRIPE_V1}`,
    });
    await expect(verifyStripeSignature(STRIPE_BODY, `t=${T},v1=${STRIPE_V1}`, STRIPE_SECRET)).resolves.toEqual({
      timestamp: T,
    });
  });

  it("matches Svix's known vector", async () => {
    vi.setSystemTime(1_614_265_330_000);
    const headers = await signSvixPayload(SVIX_BODY, SVIX_SECRET, { id: SVIX_ID, timestamp: 1_614_265_330 });
    expect(headers["svix-signature"]).toBe(SVIX_V1);
    await expect(verifySvixSignature(SVIX_BODY, headers, SVIX_SECRET)).resolves.toEqual({
      id: SVIX_ID,
      timestamp: 1_614_265_330,
    });
  });

  const v1 = `v1=${STRIPE_V1}`;
  it.each([
    ["absent header", null, STRIPE_BODY, STRIPE_SECRET, "MISSING_SIGNATURE"],
    ["empty header", "", STRIPE_BODY, STRIPE_SECRET, "MISSING_SIGNATURE"],
    ["whitespace header", "   ", STRIPE_BODY, STRIPE_SECRET, "MISSING_SIGNATURE"],
    ["no t", v1, STRIPE_BODY, STRIPE_SECRET, "INVALID_SIGNATURE"],
    ["two t", `t=${T},t=${T},${v1}`, STRIPE_BODY, STRIPE_SECRET, "INVALID_SIGNATURE"],
    ["non-numeric t", `t=abc,${v1}`, STRIPE_BODY, STRIPE_SECRET, "INVALID_SIGNATURE"],
    ["no v1", `t=${T},v0=${STRIPE_V1}`, STRIPE_BODY, STRIPE_SECRET, "INVALID_SIGNATURE"],
    ["garbage", "nonsense", STRIPE_BODY, STRIPE_SECRET, "INVALID_SIGNATURE"],
    [
      "one tampered byte",
      `t=${T},${v1}`,
      STRIPE_BODY.replace("evt_test", "evt_tesT"),
      STRIPE_SECRET,
      "INVALID_SIGNATURE",
    ],
    ["wrong secret", `t=${T},${v1}`, STRIPE_BODY, OTHER, "INVALID_SIGNATURE"],
    ["rotated secrets, second matches", `t=${T},${v1}`, STRIPE_BODY, [OTHER, STRIPE_SECRET], "OK"],
    ["several v1, one matches", `t=${T},v1=${"0".repeat(64)},${v1}`, STRIPE_BODY, STRIPE_SECRET, "OK"],
    ["v0 and unknown schemes ignored", `t=${T},v0=abc,x9=1,${v1}`, STRIPE_BODY, STRIPE_SECRET, "OK"],
    ["no secret", `t=${T},${v1}`, STRIPE_BODY, "", "CONFIGURATION_ERROR"],
  ] as const)("Stripe: %s → %s", async (_name, header, body, secrets, code) => {
    expect(await codeOf(verifyStripeSignature(body, header, secrets as string | string[]))).toBe(code);
  });

  it("Stripe: an empty body verifies when it was signed empty", async () => {
    const headers = await signStripePayload("", STRIPE_SECRET);
    expect(await codeOf(verifyStripeSignature("", headers["stripe-signature"]!, STRIPE_SECRET))).toBe("OK");
    expect(await codeOf(verifyStripeSignature(" ", headers["stripe-signature"]!, STRIPE_SECRET))).toBe(
      "INVALID_SIGNATURE",
    );
  });

  it.each([
    [299, "OK"],
    [300, "OK"],
    [301, "TIMESTAMP_TOO_OLD"],
    [-59, "OK"],
    [-60, "OK"],
    [-61, "TIMESTAMP_IN_FUTURE"],
  ])("window: signed %i s before now → %s (Stripe and Svix)", async (age, code) => {
    const stripe = await signStripePayload(STRIPE_BODY, STRIPE_SECRET, { timestamp: T - age });
    expect(await codeOf(verifyStripeSignature(STRIPE_BODY, stripe["stripe-signature"]!, STRIPE_SECRET))).toBe(code);
    const svix = await signSvixPayload(SVIX_BODY, SVIX_SECRET, { timestamp: T - age });
    expect(await codeOf(verifySvixSignature(SVIX_BODY, svix, SVIX_SECRET))).toBe(code);
  });

  it("checks the signature before the timestamp", async () => {
    const old = await signStripePayload(STRIPE_BODY, STRIPE_SECRET, { timestamp: T - 3600 });
    expect(await codeOf(verifyStripeSignature(STRIPE_BODY, old["stripe-signature"]!, OTHER))).toBe("INVALID_SIGNATURE");
    expect(await codeOf(verifyStripeSignature(STRIPE_BODY, old["stripe-signature"]!, STRIPE_SECRET))).toBe(
      "TIMESTAMP_TOO_OLD",
    );
  });

  it("honours a configured window", async () => {
    const headers = await signStripePayload(STRIPE_BODY, STRIPE_SECRET, { timestamp: T - 120 });
    const options = { pastSeconds: 60, futureSeconds: 5 };
    expect(await codeOf(verifyStripeSignature(STRIPE_BODY, headers["stripe-signature"]!, STRIPE_SECRET, options))).toBe(
      "TIMESTAMP_TOO_OLD",
    );
  });

  const svixHeaders = async (overrides: Record<string, string | undefined> = {}) => ({
    ...(await signSvixPayload(SVIX_BODY, SVIX_SECRET, { id: SVIX_ID })),
    ...overrides,
  });
  it.each([
    ["no headers", async () => ({}), SVIX_SECRET, "MISSING_SIGNATURE"],
    ["no svix-id", async () => svixHeaders({ "svix-id": undefined }), SVIX_SECRET, "MISSING_SIGNATURE"],
    ["empty signature", async () => svixHeaders({ "svix-signature": "" }), SVIX_SECRET, "MISSING_SIGNATURE"],
    ["non-numeric timestamp", async () => svixHeaders({ "svix-timestamp": "soon" }), SVIX_SECRET, "INVALID_SIGNATURE"],
    ["only v2 entries", async () => svixHeaders({ "svix-signature": "v2,abc" }), SVIX_SECRET, "INVALID_SIGNATURE"],
    ["wrong secret", async () => svixHeaders(), OTHER, "INVALID_SIGNATURE"],
    ["rotated secrets", async () => svixHeaders(), [OTHER, SVIX_SECRET], "OK"],
    ["raw base64 secret without whsec_", async () => svixHeaders(), SVIX_SECRET.slice("whsec_".length), "OK"],
    [
      "several entries, one matches",
      async () => {
        const signed = await svixHeaders();
        return { ...signed, "svix-signature": `v1,AAAA v2,zzz ${signed["svix-signature"]}` };
      },
      SVIX_SECRET,
      "OK",
    ],
    [
      "webhook-* twins, upper-case names",
      async () => {
        const signed = await svixHeaders();
        return {
          "Webhook-Id": signed["svix-id"]!,
          "WEBHOOK-TIMESTAMP": signed["svix-timestamp"]!,
          "webhook-signature": signed["svix-signature"]!,
        };
      },
      SVIX_SECRET,
      "OK",
    ],
  ] as const)("Svix: %s → %s", async (_name, headers, secrets, code) => {
    const record = Object.fromEntries(
      Object.entries(await headers()).filter(([, value]) => value !== undefined),
    ) as Record<string, string>;
    expect(await codeOf(verifySvixSignature(SVIX_BODY, record, secrets as string | string[]))).toBe(code);
    expect(await codeOf(verifySvixSignature(SVIX_BODY, new Headers(record), secrets as string | string[]))).toBe(code);
  });
});

describe("cross-checks with the vendors' SDKs", () => {
  const stripe = new Stripe("sk_test_cross");

  it("a payload signed by the stripe SDK verifies with ours, and ours with the SDK", async () => {
    const sdkHeader = stripe.webhooks.generateTestHeaderString({
      payload: STRIPE_BODY,
      secret: STRIPE_SECRET,
      timestamp: T,
    });
    await expect(verifyStripeSignature(STRIPE_BODY, sdkHeader, STRIPE_SECRET)).resolves.toEqual({ timestamp: T });
    const ours = (await signStripePayload(STRIPE_BODY, STRIPE_SECRET))["stripe-signature"]!;
    expect(stripe.webhooks.constructEvent(STRIPE_BODY, ours, STRIPE_SECRET).id).toBe("evt_test");
    expect((await stripe.webhooks.constructEventAsync(STRIPE_BODY, ours, STRIPE_SECRET)).id).toBe("evt_test");
  });

  it("a payload signed by svix verifies with ours, and ours with svix", async () => {
    const webhook = new Webhook(SVIX_SECRET);
    const signature = webhook.sign(SVIX_ID, new Date(T * 1000), SVIX_BODY);
    const headers = { "svix-id": SVIX_ID, "svix-timestamp": String(T), "svix-signature": signature };
    await expect(verifySvixSignature(SVIX_BODY, headers, SVIX_SECRET)).resolves.toEqual({ id: SVIX_ID, timestamp: T });
    expect(webhook.verify(SVIX_BODY, await signSvixPayload(SVIX_BODY, SVIX_SECRET, { id: SVIX_ID }))).toEqual({
      test: 2432232314,
    });
  });
});
