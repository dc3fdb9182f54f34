import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type AuditEntry,
  allowMethods,
  audit,
  bodyLimit,
  compose,
  cors,
  createMemoryIdempotencyStore,
  createMemoryRateLimitStore,
  eventPayload,
  idempotency,
  type Middleware,
  rateLimit,
  type SecurityWarningEntry,
  stripeSignature,
  svixSignature,
  timestampWindow,
} from "../src/security.js";
import { signStripePayload, signSvixPayload } from "../src/testing.js";

const STRIPE = "whsec_pipeline_stripe";
const SVIX = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

/** A webhook pipeline built from public `tollgate/security` exports only. */
function pipeline(
  kind: "stripe" | "svix",
  endpoint: () => Response | Promise<Response>,
  store = createMemoryIdempotencyStore(),
) {
  const entries: Array<AuditEntry | SecurityWarningEntry> = [];
  const verify = kind === "stripe" ? stripeSignature({ secret: STRIPE }) : svixSignature({ secret: SVIX });
  const handler = compose(
    [
      audit({ sink: (entry) => void entries.push(entry) }),
      allowMethods(["POST"]),
      bodyLimit({ maxBytes: 4096 }),
      verify,
      timestampWindow(),
      eventPayload({
        parse: (value, ctx) => {
          const event = value as { id?: string; type?: string };
          const id = kind === "stripe" ? event.id : (ctx.state as { deliveryId?: string }).deliveryId;
          if (typeof id !== "string" || typeof event.type !== "string") return null;
          return { event, type: event.type, id, idempotencyKey: `${kind}:${id}` };
        },
      }),
      idempotency({ store }),
    ],
    endpoint,
    { route: `${kind}-pipeline` },
  );
  return { handler, entries };
}

async function signed(kind: "stripe" | "svix", body: string, id = "msg_1") {
  return kind === "stripe" ? signStripePayload(body, STRIPE) : signSvixPayload(body, SVIX, { id });
}

const post = (body: string, headers: Record<string, string>) =>
  new Request("https://app.example/hook", {
    method: "POST",
    body,
    headers: { "x-forwarded-for": "203.0.113.1", ...headers },
  });

describe.each(["stripe", "svix"] as const)("a %s pipeline composed from tollgate/security", (kind) => {
  it("processes, answers the duplicate, and processes the retry after a failure", async () => {
    const outcomes = ["throw", "500", "ok"];
    let calls = 0;
    const { handler, entries } = pipeline(kind, () => {
      calls++;
      const outcome = outcomes.shift();
      if (outcome === "throw") throw new Error("db down: hunter2");
      return outcome === "500" ? Response.json({ error: "later" }, { status: 500 }) : Response.json({ received: true });
    });
    const body = JSON.stringify({ id: "evt_1", type: "invoice.paid" });
    const headers = await signed(kind, body);
    const first = await handler(post(body, headers));
    expect(first.status).toBe(500);
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ code: "INTERNAL_ERROR", requestId: first.headers.get("x-request-id") });
    expect(JSON.stringify(firstBody)).not.toContain("hunter2");
    expect((await handler(post(body, headers))).status).toBe(500);
    const third = await handler(post(body, headers));
    expect(await third.json()).toEqual({ received: true });
    const fourth = await handler(post(body, headers));
    expect(await fourth.json()).toEqual({ received: true, duplicate: true });
    expect(calls).toBe(3);
    expect(entries.map((entry) => (entry as AuditEntry).outcome)).toEqual(["error", "error", "processed", "duplicate"]);
  });

  it("answers 409 EVENT_IN_FLIGHT while the same event is being processed", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { handler } = pipeline(kind, async () => {
      await gate;
      return Response.json({ received: true });
    });
    const body = JSON.stringify({ id: "evt_2", type: "x" });
    const headers = await signed(kind, body, "msg_2");
    const first = handler(post(body, headers));
    await vi.waitFor(async () => {
      const second = await handler(post(body, headers));
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ code: "EVENT_IN_FLIGHT" });
    });
    release();
    expect((await first).status).toBe(200);
  });

  it("lets a crashed holder's event through once the lease expires", async () => {
    const store = createMemoryIdempotencyStore();
    await store.claim(`${kind}:${kind === "stripe" ? "evt_3" : "msg_3"}`, 60_000);
    const { handler } = pipeline(kind, () => Response.json({ received: true }), store);
    const body = JSON.stringify({ id: "evt_3", type: "x" });
    expect((await handler(post(body, await signed(kind, body, "msg_3")))).status).toBe(409);
    vi.advanceTimersByTime(60_001);
    expect((await handler(post(body, await signed(kind, body, "msg_3")))).status).toBe(200);
  });

  it.each([
    ["a body over the limit", "x".repeat(5000), 413, "PAYLOAD_TOO_LARGE"],
    ["a tampered body", "TAMPER", 400, "INVALID_SIGNATURE"],
    ["a body that is not JSON", "not json", 400, "INVALID_PAYLOAD"],
  ] as const)("refuses %s", async (_name, bodyCase, status, code) => {
    const { handler } = pipeline(kind, () => Response.json({ received: true }));
    const body = bodyCase === "TAMPER" ? JSON.stringify({ id: "evt_4", type: "x" }) : bodyCase;
    const headers = await signed(kind, body);
    const sent = bodyCase === "TAMPER" ? body.replace("evt_4", "evt_5") : body;
    const response = await handler(post(sent, headers));
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code });
  });
});

describe("store behaviour through the pipeline", () => {
  it("evicts the least recently used id at max and forgets completed ids after the TTL", async () => {
    let calls = 0;
    const store = createMemoryIdempotencyStore({ max: 1 });
    const { handler } = pipeline(
      "stripe",
      () => {
        calls++;
        return Response.json({ received: true });
      },
      store,
    );
    const send = async (id: string) => {
      const body = JSON.stringify({ id, type: "x" });
      return (await handler(post(body, await signStripePayload(body, STRIPE)))).json();
    };
    await send("evt_a");
    await send("evt_b"); // evicts evt_a
    expect(await send("evt_a")).toEqual({ received: true });
    expect(await send("evt_a")).toEqual({ received: true, duplicate: true });
    vi.advanceTimersByTime(300_001);
    expect(await send("evt_a")).toEqual({ received: true });
    expect(calls).toBe(4);
  });

  it("answers 503 STORE_UNAVAILABLE when the store fails, without calling the endpoint", async () => {
    let calls = 0;
    const broken = {
      claim: async () => Promise.reject(new Error("redis down")),
      complete: async () => {},
      release: async () => {},
    };
    const { handler } = pipeline(
      "stripe",
      () => {
        calls++;
        return Response.json({ received: true });
      },
      broken,
    );
    const body = JSON.stringify({ id: "evt_s", type: "x" });
    const response = await handler(post(body, await signStripePayload(body, STRIPE)));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "STORE_UNAVAILABLE" });
    expect(calls).toBe(0);
  });
});

describe("outer layers", () => {
  const ok = () => Response.json({ ok: true });

  it("answers other methods with 405 and an Allow header", async () => {
    const handler = compose([audit({ sink: false }), allowMethods(["POST"])], ok);
    const response = await handler(new Request("https://app.example/x", { method: "PUT" }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toMatchObject({
      code: "METHOD_NOT_ALLOWED",
      requestId: response.headers.get("x-request-id"),
    });
  });

  it("refuses a streamed body over the limit without a content-length", async () => {
    const handler = compose([bodyLimit({ maxBytes: 10 })], ok);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("xxxx"));
        controller.close();
      },
    });
    const request = new Request("https://app.example/x", {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await handler(request)).status).toBe(413);
  });

  it.each([
    ["a listed origin", "https://app.example", true],
    ["another origin", "https://evil.example", false],
  ])("answers a preflight from %s", async (_name, origin, allowed) => {
    const handler = compose([cors({ origins: ["https://app.example"] }), allowMethods(["POST"])], ok);
    const response = await handler(new Request("https://api.example/x", { method: "OPTIONS", headers: { origin } }));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(allowed ? origin : null);
    expect(response.headers.get("access-control-allow-methods") !== null).toBe(allowed);
    expect(response.headers.get("access-control-allow-headers") !== null).toBe(allowed);
    expect(response.headers.get("access-control-max-age") !== null).toBe(allowed);
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it("adds CORS headers to actual responses for a listed origin", async () => {
    const handler = compose([cors({ origins: ["https://app.example"] }), allowMethods(["POST"])], ok);
    const response = await handler(
      new Request("https://api.example/x", { method: "POST", headers: { origin: "https://app.example" } }),
    );
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it("rate limits per IP with RateLimit-* and Retry-After headers, and resets with the window", async () => {
    const handler = compose([rateLimit({ limit: 2, windowMs: 60_000, store: createMemoryRateLimitStore() })], ok);
    const hit = (ip: string) => handler(new Request("https://app.example/x", { headers: { "x-forwarded-for": ip } }));
    expect((await hit("1.1.1.1")).headers.get("ratelimit-remaining")).toBe("1");
    expect((await hit("1.1.1.1")).headers.get("ratelimit-remaining")).toBe("0");
    const limited = await hit("1.1.1.1");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: "RATE_LIMITED" });
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("ratelimit-limit")).toBe("2");
    expect(limited.headers.get("ratelimit-reset")).toBe("60");
    expect((await hit("2.2.2.2")).status).toBe(200);
    vi.advanceTimersByTime(60_000);
    expect((await hit("1.1.1.1")).status).toBe(200);
  });

  it("fails closed with 503 when the rate-limit store throws", async () => {
    const handler = compose(
      [rateLimit({ limit: 2, windowMs: 1000, store: { hit: async () => Promise.reject(new Error("x")) } })],
      ok,
    );
    expect((await handler(new Request("https://app.example/x"))).status).toBe(503);
  });

  it("refuses a second next() call", async () => {
    const twice: Middleware = async (_ctx, next) => {
      await next();
      return next();
    };
    expect((await compose([twice], ok)(new Request("https://app.example/x"))).status).toBe(500);
  });

  it("lets a layer read and rewrite the response next() returns", async () => {
    const stamp: Middleware = async (_ctx, next) => {
      const response = await next();
      return new Response(`${await response.text()}!`, { status: 201 });
    };
    const response = await compose([stamp], () => new Response("inner"))(new Request("https://app.example/x"));
    expect(response.status).toBe(201);
    expect(await response.text()).toBe("inner!");
  });

  it.each([
    [{ "x-forwarded-for": "203.0.113.5, 10.0.0.1", "x-real-ip": "10.0.0.2" }, "203.0.113.5"],
    [{ "x-real-ip": "198.51.100.2", "cf-connecting-ip": "198.51.100.3" }, "198.51.100.2"],
    [{ "cf-connecting-ip": "198.51.100.3" }, "198.51.100.3"],
    [{}, null],
  ])("reads the source IP from %o", async (headers, ip) => {
    const entries: AuditEntry[] = [];
    await compose(
      [audit({ sink: (entry) => void entries.push(entry as AuditEntry) })],
      ok,
    )(new Request("https://app.example/x", { headers }));
    expect(entries[0]?.sourceIp).toBe(ip);
  });
});

describe("audit", () => {
  it("emits exactly one entry per request, never the secret, signature or body, and survives a failing sink", async () => {
    for (const sink of [
      () => {
        throw new Error("sink down");
      },
      async () => Promise.reject(new Error("sink down")),
    ]) {
      const handler = compose([audit({ sink }), bodyLimit(), stripeSignature({ secret: STRIPE })], () =>
        Response.json({ ok: true }),
      );
      const body = JSON.stringify({ id: "evt_a", email: "someone@example.com" });
      expect((await handler(post(body, await signStripePayload(body, STRIPE)))).status).toBe(200);
    }
    const entries: unknown[] = [];
    const handler = compose(
      [audit({ sink: (entry) => void entries.push(entry) }), bodyLimit(), stripeSignature({ secret: STRIPE })],
      () => Response.json({ ok: true }),
    );
    const body = JSON.stringify({ id: "evt_a", email: "someone@example.com" });
    const headers = await signStripePayload(body, STRIPE);
    await handler(post(body, headers));
    expect(entries).toHaveLength(1);
    const log = JSON.stringify(entries);
    expect(log).not.toContain(STRIPE);
    expect(log).not.toContain(headers["stripe-signature"]!.split("v1=")[1]!);
    expect(log).not.toContain("someone@example.com");
  });

  it("warns on the 5th invalid signature from one IP within the window, not on the 4th, nor for missing headers", async () => {
    const entries: Array<Record<string, unknown>> = [];
    const handler = compose(
      [audit({ sink: (entry) => void entries.push(entry as never) }), bodyLimit(), stripeSignature({ secret: STRIPE })],
      () => Response.json({}),
    );
    const bad = async () => handler(post("{}", await signStripePayload("{}", "whsec_wrong")));
    const warnings = () => entries.filter((entry) => entry.kind === "repeated-signature-failures");
    for (let i = 0; i < 3; i++) await bad();
    await handler(post("{}", {})); // MISSING_SIGNATURE does not count
    await bad();
    expect(warnings()).toHaveLength(0);
    await bad();
    expect(warnings()).toEqual([
      expect.objectContaining({ level: "warn", sourceIp: "203.0.113.1", count: 5, windowMs: 300_000 }),
    ]);
  });

  it("does not warn when the failures are spread beyond the window", async () => {
    const entries: Array<Record<string, unknown>> = [];
    const handler = compose(
      [audit({ sink: (entry) => void entries.push(entry as never) }), bodyLimit(), stripeSignature({ secret: STRIPE })],
      () => Response.json({}),
    );
    for (let i = 0; i < 6; i++) {
      await handler(post("{}", await signStripePayload("{}", "whsec_wrong")));
      vi.advanceTimersByTime(100_000);
    }
    expect(entries.filter((entry) => entry.kind)).toHaveLength(0);
  });
});
