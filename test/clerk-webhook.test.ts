import { Webhook } from "svix";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { forgetLoggedConfiguration } from "../src/http/log-once.js";
import {
  type AuditEntry,
  type ClerkDeletedObject,
  type ClerkEventType,
  type ClerkObject,
  type ClerkUser,
  createClerkWebhookRoute,
  primaryEmail,
} from "../src/index.js";
import { createMemoryIdempotencyStore } from "../src/security.js";
import { clerkEvent, signSvixPayload } from "../src/testing.js";
import { capturedLogs } from "./support/quiet-logs.js";

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const otherSecret = "whsec_dGhlIG90aGVyIHNlY3JldCBmb3Igcm90YXRpb24=";
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const nowSeconds = NOW / 1000;

type Options = Parameters<typeof createClerkWebhookRoute>[0];

function setup(overrides: Partial<Options> = {}) {
  const entries: Array<Record<string, unknown>> = [];
  const calls: Array<{ type: string; data: unknown; ctx: Record<string, unknown> }> = [];
  const record = (type: string) => async (data: unknown, ctx: unknown) => {
    calls.push({ type, data, ctx: ctx as Record<string, unknown> });
  };
  const handler = createClerkWebhookRoute({
    secret,
    audit: (entry) => void entries.push(entry as unknown as Record<string, unknown>),
    on: { "user.created": record("user.created"), "user.deleted": record("user.deleted") },
    ...overrides,
  });
  async function send(body: string, headers: Record<string, string>, ip = "198.51.100.9") {
    return handler(
      new Request("https://app.example/api/webhooks/clerk", {
        method: "POST",
        body,
        headers: { "content-type": "application/json", "x-forwarded-for": ip, ...headers },
      }),
    );
  }
  async function deliver(event: object, options: { id?: string; timestamp?: number; signWith?: string } = {}) {
    const body = JSON.stringify(event);
    return send(body, await signSvixPayload(body, options.signWith ?? secret, options));
  }
  return {
    handler,
    entries,
    calls,
    send,
    deliver,
    last: () => entries.filter((e) => !e.kind).at(-1) as AuditEntry & Record<string, unknown>,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe("createClerkWebhookRoute: the Clerk webhook requirements, criterion by criterion", () => {
  it("R1: missing Svix headers → 400 MISSING_SIGNATURE, audited", async () => {
    const { send, calls, last } = setup();
    const response = await send(JSON.stringify(clerkEvent("user.created")), {});
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "MISSING_SIGNATURE" });
    expect(calls).toHaveLength(0);
    expect(last()).toMatchObject({
      outcome: "rejected",
      reason: "MISSING_SIGNATURE",
      status: 400,
      route: "clerk-webhook",
    });
  });

  it("R1: invalid signature → 400 INVALID_SIGNATURE, audited with signatureValid false", async () => {
    const { deliver, calls, last } = setup();
    const response = await deliver(clerkEvent("user.created"), { signWith: otherSecret });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "INVALID_SIGNATURE" });
    expect(calls).toHaveLength(0);
    expect(last()).toMatchObject({ outcome: "rejected", reason: "INVALID_SIGNATURE", signatureValid: false });
  });

  it("R1: a valid delivery is processed and audited", async () => {
    const { deliver, calls, last } = setup();
    const response = await deliver(clerkEvent("user.created", { id: "user_1" }), { id: "msg_valid" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(calls.map((call) => call.type)).toEqual(["user.created"]);
    expect(last()).toMatchObject({
      outcome: "processed",
      signatureValid: true,
      svixId: "msg_valid",
      eventId: "msg_valid",
    });
  });

  it.each([
    ["undefined", undefined],
    ["empty", ""],
    ["an empty array", []],
  ])("R1: no secret configured (%s) → every request 500 CONFIGURATION_ERROR", async (_name, value) => {
    forgetLoggedConfiguration(); // the cause is logged once per process, route and reason
    const { deliver, send, calls } = setup({ secret: value as string | undefined });
    for (const response of [await deliver(clerkEvent("user.created")), await send("{}", {})]) {
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ code: "CONFIGURATION_ERROR" });
    }
    expect(calls).toHaveLength(0);
    // The logged cause says what to configure, in Clerk's terms.
    const logged = capturedLogs()
      .map((log) => log.text)
      .join("\n");
    expect(logged).toContain("CLERK_WEBHOOK_SECRET");
    expect(logged).not.toMatch(/svix/i);
  });

  it.each([
    ["301 s old", -301, 400, "TIMESTAMP_TOO_OLD"],
    ["exactly 300 s old", -300, 200, undefined],
    ["inside the window", -30, 200, undefined],
    ["exactly 60 s ahead", 60, 200, undefined],
    ["61 s ahead", 61, 400, "TIMESTAMP_IN_FUTURE"],
  ] as const)("R2: a delivery signed %s → %i", async (_name, offset, status, code) => {
    const { deliver, calls, last } = setup();
    const response = await deliver(clerkEvent("user.created"), { timestamp: nowSeconds + offset });
    expect(response.status).toBe(status);
    if (code) {
      expect(await response.json()).toMatchObject({ code });
      expect(calls).toHaveLength(0);
      expect(last()).toMatchObject({ reason: code, signatureValid: true });
    } else {
      expect(calls).toHaveLength(1);
    }
  });

  it("R3: a processed svix-id → 200 duplicate without re-processing, audited", async () => {
    const { deliver, calls, last } = setup();
    const event = clerkEvent("user.created");
    await deliver(event, { id: "msg_dup" });
    const again = await deliver(event, { id: "msg_dup" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(calls).toHaveLength(1);
    expect(last()).toMatchObject({ outcome: "duplicate", svixId: "msg_dup" });
  });

  it("R3: a new svix-id is remembered for 5 minutes, then forgotten", async () => {
    const { deliver, calls } = setup({ timestampWindow: { pastSeconds: 3600 } });
    const event = clerkEvent("user.created");
    await deliver(event, { id: "msg_ttl", timestamp: nowSeconds });
    vi.advanceTimersByTime(299_000);
    expect(await (await deliver(event, { id: "msg_ttl", timestamp: nowSeconds })).json()).toEqual({
      received: true,
      duplicate: true,
    });
    vi.advanceTimersByTime(2_000);
    expect(await (await deliver(event, { id: "msg_ttl", timestamp: nowSeconds })).json()).toEqual({ received: true });
    expect(calls).toHaveLength(2);
  });

  it("R3: the store evicts the least recently used id at its maximum size", async () => {
    const { deliver, calls } = setup({ idempotency: { store: createMemoryIdempotencyStore({ max: 2 }) } });
    const event = clerkEvent("user.created");
    for (const id of ["msg_a", "msg_b", "msg_c"]) await deliver(event, { id });
    expect(await (await deliver(event, { id: "msg_c" })).json()).toMatchObject({ duplicate: true });
    expect(await (await deliver(event, { id: "msg_a" })).json()).toEqual({ received: true });
    expect(calls).toHaveLength(4);
  });

  it("R4: one structured audit entry per request with every field", async () => {
    const { deliver, entries } = setup();
    await deliver(clerkEvent("user.created"), { id: "msg_audit" });
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: new Date(NOW).toISOString(),
      eventType: "user.created",
      sourceIp: "198.51.100.9",
      svixId: "msg_audit",
      signatureValid: true,
      processingTimeMs: expect.any(Number),
      outcome: "processed",
      mutations: ["user.created"],
      syncStatus: "handled",
    });
  });

  it("R4: the rejection reason is recorded when rejected", async () => {
    const { deliver, last } = setup();
    await deliver(clerkEvent("user.created"), { timestamp: nowSeconds - 3600 });
    expect(last()).toMatchObject({ outcome: "rejected", reason: "TIMESTAMP_TOO_OLD", status: 400 });
  });

  it("R4: a security warning after 5 invalid signatures from one IP within 5 minutes", async () => {
    const { deliver, entries } = setup();
    const warnings = () => entries.filter((entry) => entry.kind === "repeated-signature-failures");
    for (let i = 0; i < 4; i++) await deliver(clerkEvent("user.created"), { signWith: otherSecret });
    expect(warnings()).toHaveLength(0);
    await deliver(clerkEvent("user.created"), { signWith: otherSecret });
    expect(warnings()).toEqual([
      expect.objectContaining({
        level: "warn",
        route: "clerk-webhook",
        sourceIp: "198.51.100.9",
        count: 5,
        windowMs: 300_000,
      }),
    ]);
  });

  it("R5: the response format is stable and routing is a plain map from type to handler", async () => {
    const seen: string[] = [];
    const { deliver } = setup({
      on: { "session.created": () => void seen.push("session"), "organization.created": () => void seen.push("org") },
    });
    expect(await (await deliver(clerkEvent("organization.created"))).json()).toEqual({ received: true });
    expect(await (await deliver(clerkEvent("session.created"))).json()).toEqual({ received: true });
    expect(seen).toEqual(["org", "session"]);
  });
});

describe("createClerkWebhookRoute: delivery", () => {
  it("accepts a delivery signed by the svix package, and webhook-* header names", async () => {
    const { send, calls } = setup();
    const body = JSON.stringify(clerkEvent("user.created"));
    const signatureHeader = new Webhook(secret).sign("msg_svix", new Date(NOW), body);
    const svix = await send(body, {
      "svix-id": "msg_svix",
      "svix-timestamp": String(nowSeconds),
      "svix-signature": signatureHeader,
    });
    const standard = await send(body, {
      "webhook-id": "msg_std",
      "webhook-timestamp": String(nowSeconds),
      "webhook-signature": signatureHeader.replace("", ""),
    });
    expect(svix.status).toBe(200);
    expect(standard.status).toBe(400); // signed for msg_svix, so not valid for msg_std
    const signed = await signSvixPayload(body, secret, { id: "msg_std2" });
    const twin = await send(body, {
      "webhook-id": signed["svix-id"]!,
      "webhook-timestamp": signed["svix-timestamp"]!,
      "webhook-signature": signed["svix-signature"]!,
    });
    expect(twin.status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it("accepts either secret during a rotation", async () => {
    const { deliver } = setup({ secret: [otherSecret, secret] });
    expect((await deliver(clerkEvent("user.created"), { signWith: secret })).status).toBe(200);
    expect((await deliver(clerkEvent("user.created"), { signWith: otherSecret })).status).toBe(200);
  });

  it("answers 500 HANDLER_FAILED when a handler throws, and processes the retry", async () => {
    let fail = true;
    const processed: string[] = [];
    const { deliver, last } = setup({
      on: {
        "user.created": (user) => {
          if (fail) throw new Error("database down: secret-password");
          processed.push(user.id);
        },
      },
    });
    const event = clerkEvent("user.created", { id: "user_retry" });
    const first = await deliver(event, { id: "msg_retry" });
    expect(first.status).toBe(500);
    const body = await first.text();
    expect(JSON.parse(body)).toMatchObject({ code: "HANDLER_FAILED" });
    expect(body).not.toContain("secret-password");
    expect(last()).toMatchObject({ outcome: "error", reason: "HANDLER_FAILED" });
    fail = false;
    expect((await deliver(event, { id: "msg_retry" })).status).toBe(200);
    expect(processed).toEqual(["user_retry"]);
  });

  it("runs the handler once for 10 concurrent deliveries of one event", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let runs = 0;
    const { send } = setup({
      on: {
        "user.created": async () => {
          runs++;
          await gate;
        },
      },
    });
    const body = JSON.stringify(clerkEvent("user.created"));
    const headers = await signSvixPayload(body, secret, { id: "msg_concurrent" });
    let settled = 0;
    const pending = Array.from({ length: 10 }, () => send(body, headers).finally(() => settled++));
    // The first delivery holds its claim inside the handler until every other one has been answered.
    await vi.waitFor(() => expect(settled).toBe(9));
    release();
    const responses = await Promise.all(pending);
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(runs).toBe(1);
    expect(bodies.filter((b) => b.received === true && b.duplicate === undefined)).toHaveLength(1);
    for (const [i, response] of responses.entries()) {
      if (response.status === 409) expect(bodies[i]).toMatchObject({ code: "EVENT_IN_FLIGHT" });
      else expect(response.status).toBe(200);
    }
    expect(responses.filter((response) => response.status === 409)).toHaveLength(9);
  });

  it.each([
    ["subscription.pastDue", "subscription.past_due"],
    ["subscription.past_due", "subscription.pastDue"],
    ["subscriptionItem.pastDue", "subscriptionItem.past_due"],
    ["subscriptionItem.past_due", "subscriptionItem.pastDue"],
  ])("routes %s to a handler registered as %s", async (sent, registered) => {
    const seen: string[] = [];
    const { deliver } = setup({
      on: { [registered]: (_data: unknown, ctx: { eventType: string }) => void seen.push(ctx.eventType) },
    });
    expect((await deliver(clerkEvent(sent))).status).toBe(200);
    expect(seen).toEqual([sent]);
  });

  it("sends unhandled types to '*', or acknowledges them as ignored", async () => {
    const star: string[] = [];
    const withStar = setup({ on: { "*": (_data, ctx) => void star.push(ctx.eventType) } });
    expect((await withStar.deliver(clerkEvent("email.created"))).status).toBe(200);
    expect(star).toEqual(["email.created"]);
    const without = setup();
    expect(await (await without.deliver(clerkEvent("email.created"))).json()).toEqual({ received: true });
    expect(without.last()).toMatchObject({ outcome: "ignored", status: 200 });
  });

  it.each([
    ["user.created without an id", "user.created", { id: 42 }, ["data.id"]],
    ["session.created without user_id", "session.created", { user_id: null }, ["data.user_id"]],
    ["paymentAttempt.updated without status", "paymentAttempt.updated", { status: 7 }, ["data.status"]],
  ])(
    "refuses %s with 400 INVALID_PAYLOAD naming the field paths, never the values",
    async (_name, type, data, fields) => {
      const { deliver, last } = setup({ on: { [type]: () => {} } });
      const response = await deliver(clerkEvent(type, data));
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body).toMatchObject({ code: "INVALID_PAYLOAD" });
      for (const field of fields) expect(body.error).toContain(field);
      expect(last()).toMatchObject({ reason: "INVALID_PAYLOAD", invalidFields: fields });
      const { processingTimeMs: _time, ...entry } = last();
      const sent = Object.values(data)[0];
      if (sent !== null) expect(JSON.stringify(entry)).not.toMatch(new RegExp(`:${sent}[,}\\]]`)); // the value, nowhere
    },
  );

  it.each([
    ["not JSON", "not json"],
    ["not an envelope", JSON.stringify({ hello: "world" })],
  ])("refuses a body that is %s with 400 INVALID_PAYLOAD", async (_name, body) => {
    const { send } = setup();
    const response = await send(body, await signSvixPayload(body, secret));
    expect(await response.json()).toMatchObject({ code: "INVALID_PAYLOAD" });
  });

  it("hands handlers the data as received and the delivery context", async () => {
    const { deliver, calls } = setup();
    const event = clerkEvent("user.created", { id: "user_ctx", future_field: { kept: true } });
    await deliver(event, { id: "msg_ctx" });
    const [call] = calls;
    expect(call?.data).toMatchObject({ id: "user_ctx", future_field: { kept: true } });
    expect(call?.ctx).toMatchObject({
      eventId: "msg_ctx",
      eventType: "user.created",
      timestamp: new Date(NOW),
      event: { type: "user.created" },
    });
    expect(primaryEmail(call?.data as Parameters<typeof primaryEmail>[0])).toBe("ada@example.com");
  });

  it("never writes an email address, the secret or a signature into the audit log", async () => {
    const { deliver, entries } = setup();
    for (const signWith of [secret, otherSecret])
      await deliver(clerkEvent("user.created"), { signWith, id: `msg_${signWith.length}` });
    const log = JSON.stringify(entries);
    expect(log).not.toMatch(/@example\.com/);
    expect(log).not.toContain(secret);
    expect(log).not.toContain("v1,");
  });

  it("refuses other methods with 405 and an Allow header", async () => {
    const { handler } = setup();
    const response = await handler(new Request("https://app.example/api/webhooks/clerk"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("createClerkWebhookRoute: `on` keys are Clerk's event types (compile-time, checked by npm run typecheck)", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  it("types each known event's data, and refuses a misspelt or unknown key", () => {
    createClerkWebhookRoute({
      secret,
      on: {
        "user.created": (user) => expectTypeOf(user).toEqualTypeOf<ClerkUser>(),
        "user.deleted": (deleted) => expectTypeOf(deleted).toEqualTypeOf<ClerkDeletedObject>(),
        "waitlistEntry.created": (entry) => expectTypeOf(entry).toEqualTypeOf<ClerkObject>(),
        "subscriptionItem.past_due": () => {},
        "*": (data, ctx) => {
          expectTypeOf(data).toEqualTypeOf<unknown>();
          expectTypeOf(ctx.eventType).toEqualTypeOf<string>();
        },
      },
    });
    createClerkWebhookRoute({
      secret,
      on: {
        // @ts-expect-error "user.craeted" is not a Clerk event type: a typo is a compile error
        "user.craeted": () => {},
      },
    });
    createClerkWebhookRoute({
      secret,
      on: {
        // @ts-expect-error an event type Clerk has not announced needs the escape hatch below
        "newThing.created": () => {},
      },
    });
    expectTypeOf<"user.created" | "session.ended" | "email.created">().toExtend<ClerkEventType>();
  });

  it("escape hatch: a brand-new type named in the type parameter is accepted, with its data as received", async () => {
    const seen: ClerkObject[] = [];
    const handler = createClerkWebhookRoute<"newThing.created">({
      secret,
      audit: false,
      on: { "newThing.created": (data) => void seen.push(data) },
    });
    const body = JSON.stringify(clerkEvent("newThing.created", { id: "nt_1" }));
    const response = await handler(
      new Request("https://app.example/api/webhooks/clerk", {
        method: "POST",
        body,
        headers: await signSvixPayload(body, secret),
      }),
    );
    expect(response.status).toBe(200);
    expect(seen).toEqual([{ id: "nt_1" }]);
  });
});
