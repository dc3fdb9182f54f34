import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { svixSignature } from "../clerk/signature.js";
import type { AuditEntry } from "../http/audit-entry.js";
import { compose, type Endpoint, type Middleware } from "../http/compose.js";
import { TollgateError } from "../http/errors.js";
import { stripeSignature } from "../stripe/signature.js";
import { signStripePayload, signSvixPayload } from "../testing.js";
import { audit } from "./audit.js";
import { bodyLimit } from "./body-limit.js";
import { type SignatureScheme, type SignatureState, signature } from "./signature.js";
import { timestampWindow } from "./timestamp-window.js";

const STRIPE = "whsec_layer_stripe";
const SVIX = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const BODY = '{"id":"evt_layer","type":"x"}';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function route(layer: Middleware, withBody = true) {
  const entries: AuditEntry[] = [];
  const endpoint = vi.fn<Endpoint<SignatureState>>(() => Response.json({ received: true }));
  const handler = compose(
    [
      audit({ sink: (entry) => void entries.push(entry as AuditEntry) }),
      ...(withBody ? [bodyLimit()] : []),
      layer,
      timestampWindow(),
    ],
    endpoint,
  );
  return { handler, entries, endpoint };
}

const post = (headers: Record<string, string>, body = BODY) =>
  new Request("https://app.example/hook", { method: "POST", body, headers });
const now = () => Math.floor(Date.now() / 1000);

type Sign = (body: string, options?: { timestamp?: number }) => Promise<Record<string, string>>;
const stripeSigners: [Sign, Sign] = [
  (body, options) => signStripePayload(body, STRIPE, options),
  (body, options) => signStripePayload(body, "whsec_wrong", options),
];
const svixSigners: [Sign, Sign] = [
  (body, options) => signSvixPayload(body, SVIX, options),
  (body, options) => signSvixPayload(body, "whsec_d3Jvbmc=", options),
];

describe.each([
  ["stripeSignature", (secret?: string) => stripeSignature({ secret: secret ?? STRIPE }), ...stripeSigners],
  ["svixSignature", (secret?: string) => svixSignature({ secret: secret ?? SVIX }), ...svixSigners],
] as const)("the %s layer", (_name, layer, sign, signWrong) => {
  it.each([
    // delivery → status, code, the audit entry's signatureValid, endpoint called
    ["valid", async () => post(await sign(BODY)), 200, undefined, true],
    ["unsigned", async () => post({}), 400, "MISSING_SIGNATURE", false],
    ["signed with another secret", async () => post(await signWrong(BODY)), 400, "INVALID_SIGNATURE", false],
    [
      "with a tampered body",
      async () => post(await sign(BODY), BODY.replace("x", "y")),
      400,
      "INVALID_SIGNATURE",
      false,
    ],
    [
      "replayed 301 s later",
      async () => post(await sign(BODY, { timestamp: now() - 301 })),
      400,
      "TIMESTAMP_TOO_OLD",
      true,
    ],
    ["replayed 300 s later", async () => post(await sign(BODY, { timestamp: now() - 300 })), 200, undefined, true],
    [
      "signed 61 s ahead",
      async () => post(await sign(BODY, { timestamp: now() + 61 })),
      400,
      "TIMESTAMP_IN_FUTURE",
      true,
    ],
    ["signed 60 s ahead", async () => post(await sign(BODY, { timestamp: now() + 60 })), 200, undefined, true],
  ] as const)("a delivery %s → %i %s, signatureValid %s", async (_case, make, status, code, signatureValid) => {
    const { handler, entries, endpoint } = route(layer());
    const response = await handler(await make());
    expect(response.status).toBe(status);
    if (code) expect(await response.json()).toMatchObject({ code, requestId: response.headers.get("x-request-id") });
    expect(entries[0]?.signatureValid).toBe(signatureValid);
    expect(entries[0]?.reason).toBe(code);
    expect(endpoint).toHaveBeenCalledTimes(status === 200 ? 1 : 0);
  });

  it("answers 500 CONFIGURATION_ERROR per request when the secret is unset, without judging the signature", async () => {
    const { handler, entries } = route(layer(""));
    const response = await handler(post(await sign(BODY)));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "CONFIGURATION_ERROR" });
    expect(entries[0]?.signatureValid).toBeUndefined();
  });

  it("answers 500 CONFIGURATION_ERROR when placed before the body is read", async () => {
    const { handler } = route(layer(), false);
    const response = await handler(post(await sign(BODY)));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "CONFIGURATION_ERROR" });
  });
});

describe("signature", () => {
  it("hands the scheme the raw bytes and the normalised secrets, and leaves the signed time and delivery id", async () => {
    const verify = vi.fn<SignatureScheme["verify"]>(async () => ({ timestamp: now() - 5, id: "msg_42" }));
    const seen: SignatureState & { signedAt?: number } = {};
    const handler = compose([bodyLimit(), signature({ scheme: { verify }, secret: ["whsec_a", "whsec_b"] })], (ctx) => {
      Object.assign(seen, ctx.state);
      return Response.json({});
    });
    const raw = new Uint8Array([0x7b, 0xff, 0x7d]);
    await handler(new Request("https://app.example/hook", { method: "POST", body: raw, headers: { "x-sig": "s" } }));
    const [body, headers, secrets] = verify.mock.calls[0]!;
    expect(body).toEqual(raw);
    expect(headers.get("x-sig")).toBe("s");
    expect(secrets).toEqual(["whsec_a", "whsec_b"]);
    expect(seen).toEqual({ signedAt: now() - 5, deliveryId: "msg_42" });
  });

  it("does not mark a scheme's configuration error as a signature failure", async () => {
    const entries: AuditEntry[] = [];
    const verify = async () => Promise.reject(new TollgateError("CONFIGURATION_ERROR"));
    const handler = compose(
      [
        audit({ sink: (entry) => void entries.push(entry as AuditEntry) }),
        bodyLimit(),
        signature({ scheme: { verify }, secret: "s" }),
      ],
      () => Response.json({}),
    );
    expect((await handler(post({}))).status).toBe(500);
    expect(entries[0]?.signatureValid).toBeUndefined();
  });

  it.each([
    ["a secret that is a number", { scheme: { verify: async () => ({ timestamp: 0 }) }, secret: 42 }],
    ["a secret list with a number", { scheme: { verify: async () => ({ timestamp: 0 }) }, secret: ["a", 42] }],
    ["a scheme without verify", { scheme: {}, secret: "s" }],
    ["no options", undefined],
  ])("refuses %s with a TypeError at creation", (_case, options) => {
    expect(() => signature(options as never)).toThrow(TypeError);
  });

  it.each([
    ["stripeSignature", () => stripeSignature({ secret: 42 as never })],
    ["svixSignature", () => svixSignature({ secret: { a: 1 } as never })],
  ])("%s refuses a secret of the wrong type at creation", (_case, make) => {
    expect(make).toThrow(TypeError);
  });
});
