import { describe, expect, it } from "vitest";
import {
  type AuditEntry,
  createClerkWebhookRoute,
  createWebhookRoute,
  type SecurityWarningEntry,
} from "../src/index.js";
import { verifyStripeSignature, verifySvixSignature } from "../src/security.js";
import { clerkEvent, createMemoryAdapter, signStripePayload, signSvixPayload, stripeEvent } from "../src/testing.js";

const STRIPE = "whsec_stripe_hardening";
const SVIX = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async function stripeDelivery(configured: string | (string | undefined)[]) {
  const entries: (AuditEntry | SecurityWarningEntry)[] = [];
  const route = createWebhookRoute({
    ...createMemoryAdapter(),
    audit: (entry) => void entries.push(entry),
    onError: () => {},
    stripe: { webhookSecret: configured as string[] },
  });
  const statuses: { status: number; code?: string }[] = [];
  for (let i = 0; i < 6; i++) {
    const body = JSON.stringify(stripeEvent("invoice.paid", { id: "in_1" }, { id: `evt_${i}` }));
    const response = await route(
      new Request("https://app.example/hook", {
        method: "POST",
        body,
        headers: { "x-forwarded-for": "203.0.113.50", ...(await signStripePayload(body, STRIPE)) },
      }),
    );
    statuses.push({ status: response.status, code: response.ok ? undefined : (await response.json()).code });
  }
  return { statuses, warnings: entries.filter((entry) => "kind" in entry) };
}

describe("webhook secrets: whitespace and rotation lists", () => {
  it.each([
    ["a secret with a pasted newline", `${STRIPE}\n`],
    ["a secret with spaces around it", `  ${STRIPE} `],
    ["[NEW, process.env.OLD] after OLD was removed", [STRIPE, undefined]],
    ["a rotation list with an empty entry", ["", STRIPE]],
  ])("Stripe, %s: deliveries are processed", async (_case, configured) => {
    const { statuses, warnings } = await stripeDelivery(configured);
    expect(statuses.every((answer) => answer.status === 200)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it.each([
    ["a whitespace-only secret", " \n"],
    ["a list of nothing usable", [undefined, " "]],
  ])("Stripe, %s: CONFIGURATION_ERROR, never INVALID_SIGNATURE or a security warning", async (_case, configured) => {
    const { statuses, warnings } = await stripeDelivery(configured);
    expect(statuses.every((answer) => answer.status === 500 && answer.code === "CONFIGURATION_ERROR")).toBe(true);
    expect(warnings).toEqual([]);
  });

  it.each([
    ["a secret with a pasted newline", `${SVIX}\n`],
    ["[NEW, process.env.OLD] after OLD was removed", [SVIX, undefined]],
  ])("Clerk, %s: the delivery is processed", async (_case, configured) => {
    const route = createClerkWebhookRoute({
      audit: false,
      secret: configured as string[],
      on: { "user.created": () => {} },
    });
    const body = JSON.stringify(clerkEvent("user.created", { id: "user_1" }));
    const response = await route(
      new Request("https://app.example/clerk", { method: "POST", body, headers: await signSvixPayload(body, SVIX) }),
    );
    expect(response.status).toBe(200);
  });
});

describe("verify*Signature refuse a now that is not a finite number", () => {
  const body = '{"id":"evt_1"}';
  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [Number.NEGATIVE_INFINITY], ["1700000000000"]])(
    "now = %j",
    async (now) => {
      const stripeHeader = (await signStripePayload(body, STRIPE))["stripe-signature"] as string;
      await expect(verifyStripeSignature(body, stripeHeader, STRIPE, { now: now as number })).rejects.toThrow(
        TypeError,
      );
      const svixHeaders = await signSvixPayload(body, SVIX);
      await expect(verifySvixSignature(body, svixHeaders, SVIX, { now: now as number })).rejects.toThrow(TypeError);
    },
  );

  it("a finite now still decides the window", async () => {
    const stripeHeader = (await signStripePayload(body, STRIPE, { timestamp: 1_000 }))["stripe-signature"] as string;
    await expect(verifyStripeSignature(body, stripeHeader, STRIPE, { now: 1_000_000 })).resolves.toEqual({
      timestamp: 1_000,
    });
    await expect(verifyStripeSignature(body, stripeHeader, STRIPE, { now: 2_000_000 })).rejects.toMatchObject({
      code: "TIMESTAMP_TOO_OLD",
    });
  });
});
