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
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

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
    let entered: () => void = () => {};
    const holding = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const { handler } = pipeline(kind, async () => {
      entered();
      await gate;
      return Response.json({ received: true });
    });
    const body = JSON.stringify({ id: "evt_2", type: "x" });
    const headers = await signed(kind, body, "msg_2");
    const first = handler(post(body, headers));
    // The second copy is sent once the first holds the claim (its endpoint is running): sent any
    // earlier, it could win the claim itself (HMACs finish in any order) and wait on the gate.
    await holding;
    const second = await handler(post(body, headers));
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ code: "EVENT_IN_FLIGHT" });
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

  const WRONG = "whsec_d3Jvbmc=";
  const sign = (body: string, secret: string, timestamp?: number) =>
    kind === "stripe"
      ? signStripePayload(body, secret, timestamp === undefined ? {} : { timestamp })
      : signSvixPayload(body, secret, timestamp === undefined ? {} : { timestamp });
  const secret = kind === "stripe" ? STRIPE : SVIX;
  const event = JSON.stringify({ id: "evt_r", type: "invoice.paid" });
  const now = NOW / 1000;

  it.each([
    // delivery → status, code, the audit entry's signatureValid
    ["a GET", 405, "METHOD_NOT_ALLOWED", undefined, async () => new Request("https://app.example/hook")],
    [
      "a body over the limit",
      413,
      "PAYLOAD_TOO_LARGE",
      undefined,
      async () => post("x".repeat(5000), await sign("x".repeat(5000), secret)),
    ],
    ["an unsigned delivery", 400, "MISSING_SIGNATURE", false, async () => post(event, {})],
    [
      "one signed with another secret",
      400,
      "INVALID_SIGNATURE",
      false,
      async () => post(event, await sign(event, WRONG)),
    ],
    [
      "a tampered body",
      400,
      "INVALID_SIGNATURE",
      false,
      async () => post(event.replace("evt_r", "evt_R"), await sign(event, secret)),
    ],
    [
      "a replay 301 s old",
      400,
      "TIMESTAMP_TOO_OLD",
      true,
      async () => post(event, await sign(event, secret, now - 301)),
    ],
    [
      "one signed 61 s ahead",
      400,
      "TIMESTAMP_IN_FUTURE",
      true,
      async () => post(event, await sign(event, secret, now + 61)),
    ],
    [
      "a body that is not JSON",
      400,
      "INVALID_PAYLOAD",
      true,
      async () => post("not json", await sign("not json", secret)),
    ],
    ["JSON that is not an event", 400, "INVALID_PAYLOAD", true, async () => post("{}", await sign("{}", secret))],
  ] as const)(
    "refuses %s: %i %s, endpoint not called, one audit entry",
    async (_case, status, code, signatureValid, make) => {
      const endpoint = vi.fn(() => Response.json({ received: true }));
      const { handler, entries } = pipeline(kind, endpoint);
      const response = await handler(await make());
      expect(response.status).toBe(status);
      const requestId = response.headers.get("x-request-id");
      expect(await response.json()).toEqual({ error: expect.any(String), code, requestId });
      expect(endpoint).not.toHaveBeenCalled();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ requestId, status, outcome: "rejected", reason: code });
      expect((entries[0] as AuditEntry).signatureValid).toBe(signatureValid);
      if (status === 405) expect(response.headers.get("allow")).toBe("POST");
    },
  );
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

describe("a full stack from tollgate/security", () => {
  it("answers the preflight, then carries CORS, rate-limit and request-id headers on every answer", async () => {
    const endpoint = vi.fn(() => Response.json({ received: true }));
    const handler = compose(
      [
        audit({ sink: false }),
        cors({ origins: ["https://app.example"] }),
        allowMethods(["POST"]),
        rateLimit({ limit: 2, windowMs: 60_000, store: createMemoryRateLimitStore() }),
        bodyLimit(),
        stripeSignature({ secret: STRIPE }),
        timestampWindow(),
        eventPayload({
          parse: (value) => {
            const event = value as { id: string; type: string };
            return { event, type: event.type, id: event.id, idempotencyKey: `stripe:${event.id}` };
          },
        }),
        idempotency(),
      ],
      endpoint,
    );
    const origin = { origin: "https://app.example" };
    const preflight = await handler(new Request("https://app.example/hook", { method: "OPTIONS", headers: origin }));
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");

    const answers = [];
    for (const id of ["evt_1", "evt_2", "evt_3"]) {
      const body = JSON.stringify({ id, type: "x" });
      const response = await handler(post(body, { ...origin, ...(await signStripePayload(body, STRIPE)) }));
      answers.push({
        status: response.status,
        allowOrigin: response.headers.get("access-control-allow-origin"),
        vary: response.headers.get("vary"),
        remaining: response.headers.get("ratelimit-remaining"),
        retryAfter: response.headers.get("retry-after"),
        requestId: response.headers.get("x-request-id") !== null,
      });
    }
    const common = { allowOrigin: "https://app.example", vary: "Origin", requestId: true };
    expect(answers).toEqual([
      { ...common, status: 200, remaining: "1", retryAfter: null },
      { ...common, status: 200, remaining: "0", retryAfter: null },
      { ...common, status: 429, remaining: "0", retryAfter: "60" },
    ]);
    expect(endpoint).toHaveBeenCalledTimes(2);
  });
});
