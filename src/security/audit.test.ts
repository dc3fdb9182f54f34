import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuditEntry, AuditSink, SecurityWarningEntry } from "../http/audit-entry.js";
import { compose, type Endpoint } from "../http/compose.js";
import { TollgateError } from "../http/errors.js";
import { createMemoryIdempotencyStore } from "../stores/memory-idempotency.js";
import { stripeSignature } from "../stripe/signature.js";
import { signStripePayload } from "../testing.js";
import { allowMethods } from "./allow-methods.js";
import { type AuditOptions, audit } from "./audit.js";
import { bodyLimit } from "./body-limit.js";
import { eventPayload } from "./event-payload.js";
import { idempotency } from "./idempotency.js";
import { timestampWindow } from "./timestamp-window.js";

const SECRET = "whsec_audit_secret_value";
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const IP = "203.0.113.66";

type Entry = AuditEntry | SecurityWarningEntry;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const ok: Endpoint = () => Response.json({ received: true });
const ignores: Endpoint = (ctx) => {
  ctx.audit.outcome = "ignored";
  return ok(ctx);
};

/** A Stripe webhook pipeline whose audit entries land in `entries`. */
function pipeline(endpoint: Endpoint = ok, options: AuditOptions = {}) {
  const entries: Entry[] = [];
  const handler = compose(
    [
      audit({ sink: (entry) => void entries.push(entry), ...options }),
      allowMethods(["POST"]),
      bodyLimit({ maxBytes: 2048 }),
      stripeSignature({ secret: SECRET }),
      timestampWindow(),
      eventPayload({
        parse: (value) => {
          const event = value as { id?: unknown; type?: unknown };
          if (typeof event.id !== "string" || typeof event.type !== "string") return null;
          return { event, type: event.type, id: event.id, idempotencyKey: `stripe:${event.id}` };
        },
      }),
      idempotency({ store: createMemoryIdempotencyStore() }),
    ],
    endpoint,
    { route: "stripe-webhook" },
  );
  return { handler, entries };
}

let sequence = 0;
const eventBody = (id = `evt_${++sequence}`) =>
  JSON.stringify({ id, type: "customer.subscription.updated", data: { object: { email: "jane.doe@example.com" } } });

type Kind = "valid" | "invalid" | "missing" | "old" | "future" | "not-json" | "too-large" | "get";

/** One delivery of the given kind, signed with the package's own test kit. */
async function delivery(kind: Kind, options: { ip?: string; body?: string } = {}): Promise<Request> {
  const body =
    kind === "not-json" ? "not json" : kind === "too-large" ? "x".repeat(4096) : (options.body ?? eventBody());
  const now = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? IP };
  if (kind === "invalid") Object.assign(headers, await signStripePayload(body, "whsec_wrong"));
  else if (kind === "old") Object.assign(headers, await signStripePayload(body, SECRET, { timestamp: now - 301 }));
  else if (kind === "future") Object.assign(headers, await signStripePayload(body, SECRET, { timestamp: now + 61 }));
  else if (kind !== "missing") Object.assign(headers, await signStripePayload(body, SECRET));
  if (kind === "get") return new Request("https://app.example/hook", { method: "GET", headers });
  return new Request("https://app.example/hook", { method: "POST", body, headers });
}

describe("audit entry", () => {
  it("carries every field of the contract, filled in by the layers", async () => {
    const { handler, entries } = pipeline((ctx) => {
      vi.advanceTimersByTime(25);
      ctx.audit.mutations.push("upsertSubscription");
      ctx.audit.syncStatus = "refetched";
      return ok(ctx);
    });
    const response = await handler(await delivery("valid", { body: eventBody("evt_fields") }));
    expect(entries).toEqual([
      {
        level: "info",
        requestId: response.headers.get("x-request-id"),
        timestamp: "2026-06-01T12:00:00.000Z",
        route: "stripe-webhook",
        method: "POST",
        eventType: "customer.subscription.updated",
        eventId: "evt_fields",
        sourceIp: IP,
        signatureValid: true,
        processingTimeMs: 25,
        outcome: "processed",
        status: 200,
        mutations: ["upsertSubscription"],
        syncStatus: "refetched",
      },
    ]);
  });

  it.each([
    // kind, status, outcome, level, reason, signatureValid, endpoint
    ["valid", 200, "processed", "info", undefined, true, ok],
    ["valid", 200, "ignored", "info", undefined, true, ignores],
    ["get", 405, "rejected", "warn", "METHOD_NOT_ALLOWED", undefined, ok],
    ["too-large", 413, "rejected", "warn", "PAYLOAD_TOO_LARGE", undefined, ok],
    ["missing", 400, "rejected", "warn", "MISSING_SIGNATURE", false, ok],
    ["invalid", 400, "rejected", "warn", "INVALID_SIGNATURE", false, ok],
    ["old", 400, "rejected", "warn", "TIMESTAMP_TOO_OLD", true, ok],
    ["future", 400, "rejected", "warn", "TIMESTAMP_IN_FUTURE", true, ok],
    ["not-json", 400, "rejected", "warn", "INVALID_PAYLOAD", true, ok],
    ["valid", 500, "error", "error", "INTERNAL_ERROR", true, () => Promise.reject(new Error("db down"))],
    ["valid", 500, "error", "error", "HANDLER_FAILED", true, () => Promise.reject(new TollgateError("HANDLER_FAILED"))],
    ["valid", 500, "error", "error", undefined, true, () => Response.json({}, { status: 500 })],
  ] as const satisfies ReadonlyArray<
    readonly [Kind, number, string, string, string | undefined, boolean | undefined, Endpoint]
  >)(
    "a %s delivery → %i: one entry, outcome %s, level %s, reason %s, signatureValid %s",
    async (kind, status, outcome, level, reason, signatureValid, endpoint) => {
      const { handler, entries } = pipeline(endpoint);
      const response = await handler(await delivery(kind));
      expect(response.status).toBe(status);
      expect(entries).toHaveLength(1);
      const entry = entries[0] as AuditEntry;
      expect(entry).toMatchObject({ status, outcome, level, requestId: response.headers.get("x-request-id") });
      expect(entry.reason).toBe(reason);
      expect(entry.signatureValid).toBe(signatureValid);
    },
  );

  it("records a duplicate as outcome duplicate, 200, one entry per delivery", async () => {
    const { handler, entries } = pipeline();
    const body = eventBody();
    await handler(await delivery("valid", { body }));
    await handler(await delivery("valid", { body }));
    expect(entries.map((entry) => [(entry as AuditEntry).outcome, (entry as AuditEntry).status])).toEqual([
      ["processed", 200],
      ["duplicate", 200],
    ]);
  });

  it.each([["valid"], ["invalid"], ["old"], ["missing"]] as const)(
    "never contains the secret, the signature, the body or an email (%s delivery)",
    async (kind) => {
      const { handler, entries } = pipeline(() => Promise.reject(new Error("secret-db-password")));
      const body = JSON.stringify({
        id: "evt_redact",
        type: "x",
        card: "tok_body_marker",
        email: "jane.doe@example.com",
      });
      const request = await delivery(kind, { body });
      const signatureHeader = request.headers.get("stripe-signature") ?? "t=0,v1=none";
      await handler(request);
      const log = JSON.stringify(entries);
      expect(entries).toHaveLength(1);
      for (const secret of [
        SECRET,
        signatureHeader,
        signatureHeader.split("v1=")[1]!,
        body,
        "tok_body_marker",
        "jane.doe",
        "secret-db-password",
      ]) {
        expect(log).not.toContain(secret);
      }
    },
  );
});

describe("audit sinks", () => {
  it.each<[string, AuditSink]>([
    [
      "throws",
      () => {
        throw new Error("sink down");
      },
    ],
    ["rejects", () => Promise.reject(new Error("sink down"))],
    ["never settles", () => new Promise<void>(() => {})],
  ])("a sink that %s does not fail the request", async (_case, sink) => {
    const endpoint = vi.fn(ok);
    const handler = compose([audit({ sink }), bodyLimit(), stripeSignature({ secret: SECRET })], endpoint);
    const response = await handler(await delivery("valid"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(endpoint).toHaveBeenCalledOnce();
    const refused = await handler(await delivery("invalid"));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: "INVALID_SIGNATURE" });
  });

  it("writes one JSON line per entry to the console by default: info for info, warn otherwise", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const handler = compose([audit(), bodyLimit(), stripeSignature({ secret: SECRET })], ok);
    const accepted = await handler(await delivery("valid"));
    const refused = await handler(await delivery("invalid"));
    expect(info).toHaveBeenCalledOnce();
    expect(warn).toHaveBeenCalledOnce();
    expect(JSON.parse(info.mock.calls[0]?.[0] as string)).toMatchObject({
      requestId: accepted.headers.get("x-request-id"),
      outcome: "processed",
    });
    expect(JSON.parse(warn.mock.calls[0]?.[0] as string)).toMatchObject({
      requestId: refused.headers.get("x-request-id"),
      reason: "INVALID_SIGNATURE",
    });
  });

  it("writes nothing with sink: false", async () => {
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const handler = compose([audit({ sink: false }), bodyLimit(), stripeSignature({ secret: SECRET })], ok);
    expect((await handler(await delivery("valid"))).status).toBe(200);
    expect((await handler(await delivery("invalid"))).status).toBe(400);
    expect(info).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    [{ sink: "console" }],
    [{ securityWarning: { threshold: 0 } }],
    [{ securityWarning: { windowMs: -1 } }],
    [{ securityWarning: { threshold: Number.NaN } }],
  ])("refuses %o with a TypeError", (options) => {
    expect(() => audit(options as unknown as AuditOptions)).toThrow(TypeError);
  });
});
