import Stripe from "stripe";
import { Webhook } from "svix";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyStripeSignature, verifySvixSignature } from "../src/security.js";
import { signStripePayload, signSvixPayload } from "../src/testing.js";
import { hmacUnderTest } from "./support/hmac-switch.js";
import { outcomeOf } from "./support/outcome.js";

// The full rejection tables live beside the verifiers (src/stripe, src/clerk). Here: the published
// known vectors and agreement with the vendors' own SDKs, through both HMAC implementations.
vi.mock("../src/crypto/hmac.js", async (importOriginal) => {
  const { switchingHmac } = await import("./support/hmac-switch.js");
  return switchingHmac(await importOriginal());
});

const STRIPE_SECRET = "whsec_test_secret";
const STRIPE_BODY = '{"id":"evt_test","object":"event"}';
const STRIPE_HEADER = "t=1700000000,v1=8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724";
const T = 1_700_000_000;

const SVIX_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SVIX_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SVIX_TS = 1_614_265_330;
const SVIX_BODY = '{"test": 2432232314}';
const SVIX_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const stripe = new Stripe("sk_test_x");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T * 1000);
});
afterEach(() => vi.useRealTimers());

describe.each(["web", "node"] as const)("with the %s HMAC", (impl) => {
  beforeEach(() => {
    hmacUnderTest.impl = impl;
    hmacUnderTest.calls[impl] = 0;
  });
  afterEach(() => {
    expect(hmacUnderTest.calls[impl]).toBeGreaterThan(0);
  });

  describe("known vectors", () => {
    it("Stripe: whsec_test_secret, t=1700000000", async () => {
      expect(await signStripePayload(STRIPE_BODY, STRIPE_SECRET, { timestamp: T })).toEqual({
        "stripe-signature": STRIPE_HEADER,
      });
      await expect(verifyStripeSignature(STRIPE_BODY, STRIPE_HEADER, STRIPE_SECRET)).resolves.toEqual({ timestamp: T });
    });

    it("Svix: msg_p5jXN8AQM9LWM0D4loKWxJek at 1614265330", async () => {
      vi.setSystemTime(SVIX_TS * 1000);
      const headers = await signSvixPayload(SVIX_BODY, SVIX_SECRET, { id: SVIX_ID, timestamp: SVIX_TS });
      expect(headers).toEqual({ "svix-id": SVIX_ID, "svix-timestamp": "1614265330", "svix-signature": SVIX_SIGNATURE });
      await expect(verifySvixSignature(SVIX_BODY, headers, SVIX_SECRET)).resolves.toEqual({
        id: SVIX_ID,
        timestamp: SVIX_TS,
      });
    });
  });

  describe("the stripe SDK", () => {
    it("signs a payload (generateTestHeaderString) that ours verifies", async () => {
      const header = stripe.webhooks.generateTestHeaderString({ payload: STRIPE_BODY, secret: STRIPE_SECRET });
      await expect(verifyStripeSignature(STRIPE_BODY, header, STRIPE_SECRET)).resolves.toEqual({ timestamp: T });
      expect(await outcomeOf(verifyStripeSignature(`${STRIPE_BODY} `, header, STRIPE_SECRET))).toBe(
        "INVALID_SIGNATURE",
      );
    });

    it("verifies ours with constructEvent and constructEventAsync", async () => {
      const { "stripe-signature": header } = await signStripePayload(STRIPE_BODY, STRIPE_SECRET);
      expect(stripe.webhooks.constructEvent(STRIPE_BODY, header!, STRIPE_SECRET)).toEqual({
        id: "evt_test",
        object: "event",
      });
      expect(await stripe.webhooks.constructEventAsync(STRIPE_BODY, header!, STRIPE_SECRET)).toEqual({
        id: "evt_test",
        object: "event",
      });
      expect(() => stripe.webhooks.constructEvent(STRIPE_BODY, header!, "whsec_other")).toThrow(
        Stripe.errors.StripeSignatureVerificationError,
      );
    });

    it.each([
      [300, "OK"],
      [301, "TIMESTAMP_TOO_OLD"],
    ])("agrees with constructEvent on a payload signed %i s ago", async (age, code) => {
      const header = stripe.webhooks.generateTestHeaderString({
        payload: STRIPE_BODY,
        secret: STRIPE_SECRET,
        timestamp: T - age,
      });
      expect(await outcomeOf(verifyStripeSignature(STRIPE_BODY, header, STRIPE_SECRET))).toBe(code);
      const sdk = () => stripe.webhooks.constructEvent(STRIPE_BODY, header, STRIPE_SECRET);
      if (code === "OK") expect(sdk().id).toBe("evt_test");
      else expect(sdk).toThrow(/tolerance/);
    });
  });

  describe("the svix SDK", () => {
    it("signs a payload (Webhook.sign) that ours verifies", async () => {
      const signature = new Webhook(SVIX_SECRET).sign(SVIX_ID, new Date(T * 1000), SVIX_BODY);
      const headers = { "svix-id": SVIX_ID, "svix-timestamp": String(T), "svix-signature": signature };
      await expect(verifySvixSignature(SVIX_BODY, headers, SVIX_SECRET)).resolves.toEqual({
        id: SVIX_ID,
        timestamp: T,
      });
      expect(await outcomeOf(verifySvixSignature(`${SVIX_BODY} `, headers, SVIX_SECRET))).toBe("INVALID_SIGNATURE");
    });

    it("verifies ours with Webhook.verify, svix-* and webhook-* headers alike", async () => {
      const headers = await signSvixPayload(SVIX_BODY, SVIX_SECRET, { id: SVIX_ID });
      const webhook = new Webhook(SVIX_SECRET);
      expect(webhook.verify(SVIX_BODY, headers)).toEqual({ test: 2432232314 });
      const twins = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name.replace("svix", "webhook"), value]),
      );
      expect(webhook.verify(SVIX_BODY, twins)).toEqual({ test: 2432232314 });
      expect(() => new Webhook(SVIX_SECRET).verify(`${SVIX_BODY} `, headers)).toThrow();
    });

    it.each([
      [300, "OK"],
      [301, "TIMESTAMP_TOO_OLD"],
    ])("agrees with Webhook.verify on a payload signed %i s ago", async (age, code) => {
      const headers = await signSvixPayload(SVIX_BODY, SVIX_SECRET, { timestamp: T - age });
      expect(await outcomeOf(verifySvixSignature(SVIX_BODY, headers, SVIX_SECRET))).toBe(code);
      const sdk = () => new Webhook(SVIX_SECRET).verify(SVIX_BODY, headers);
      if (code === "OK") expect(sdk()).toEqual({ test: 2432232314 });
      else expect(sdk).toThrow(/too old/);
    });
  });
});
