import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuditEntry } from "../http/audit-entry.js";
import { compose, type Endpoint, type Middleware } from "../http/compose.js";
import { TollgateError } from "../http/errors.js";
import { createMemoryIdempotencyStore } from "../stores/memory-idempotency.js";
import type { ClaimResult, IdempotencyStore } from "../stores/types.js";
import { audit } from "./audit.js";
import { type IdempotencyOptions, idempotency } from "./idempotency.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(async () => {
  await vi.runOnlyPendingTimersAsync();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A store that records every call as `"claim key leaseMs"`, `"complete key ttlMs"`, `"release key"`. */
function recording(inner: IdempotencyStore = createMemoryIdempotencyStore()) {
  const calls: string[] = [];
  const store: IdempotencyStore = {
    claim: (key, leaseMs) => {
      calls.push(`claim ${key} ${leaseMs}`);
      return inner.claim(key, leaseMs);
    },
    complete: (key, ttlMs) => {
      calls.push(`complete ${key} ${ttlMs}`);
      return inner.complete(key, ttlMs);
    },
    release: (key) => {
      calls.push(`release ${key}`);
      return inner.release(key);
    },
  };
  return { store, calls };
}

// Stands in for the event payload layer: the event id comes from a header.
const eventIdFromHeader: Middleware = async (ctx, next) => {
  const id = ctx.headers.get("x-event-id");
  if (id) ctx.state.idempotencyKey = `test:${id}`;
  return next();
};

function route(endpoint: Endpoint, options: IdempotencyOptions = {}) {
  const entries: AuditEntry[] = [];
  const handler = compose(
    [audit({ sink: (entry) => void entries.push(entry as AuditEntry) }), eventIdFromHeader, idempotency(options)],
    endpoint,
  );
  return { handler, entries };
}

const delivery = (id: string | null = "evt_1") =>
  new Request("https://app.example/hook", { method: "POST", headers: id ? { "x-event-id": id } : {} });

const ok = () => Response.json({ received: true });

describe("idempotency: what the endpoint answered decides complete or release", () => {
  it.each([
    ["answers 200", 200, "complete test:evt_1 300000", "duplicate", () => ok()],
    ["answers 204", 204, "complete test:evt_1 300000", "duplicate", () => new Response(null, { status: 204 })],
    ["throws an Error", 500, "release test:evt_1", "processed", () => Promise.reject(new Error("db down"))],
    [
      "throws HANDLER_FAILED",
      500,
      "release test:evt_1",
      "processed",
      () => Promise.reject(new TollgateError("HANDLER_FAILED")),
    ],
    ["answers 500", 500, "release test:evt_1", "processed", () => Response.json({}, { status: 500 })],
    ["answers 503", 503, "release test:evt_1", "processed", () => Response.json({}, { status: 503 })],
    ["answers 400", 400, "release test:evt_1", "processed", () => Response.json({}, { status: 400 })],
    ["answers 302", 302, "release test:evt_1", "processed", () => Response.redirect("https://a.example/", 302)],
  ] as const)("the endpoint %s → %i, then %s; the redelivery is %s", async (_case, status, after, retry, first) => {
    const endpoint = vi.fn<Endpoint>().mockImplementationOnce(first).mockImplementation(ok);
    const { store, calls } = recording();
    const { handler, entries } = route(endpoint, { store });

    expect((await handler(delivery())).status).toBe(status);
    expect(calls).toEqual(["claim test:evt_1 60000", after]);

    const redelivery = await handler(delivery());
    expect(redelivery.status).toBe(200);
    if (retry === "duplicate") {
      expect(await redelivery.json()).toEqual({ received: true, duplicate: true });
      expect(endpoint).toHaveBeenCalledTimes(1);
    } else {
      expect(await redelivery.json()).toEqual({ received: true });
      expect(endpoint).toHaveBeenCalledTimes(2);
    }
    expect(entries[1]?.outcome).toBe(retry);
  });
});

describe("idempotency: what the store answered", () => {
  it.each([
    ["claimed", 200, { received: true }, 1, "processed", undefined],
    ["duplicate", 200, { received: true, duplicate: true }, 0, "duplicate", undefined],
    ["in-flight", 409, { code: "EVENT_IN_FLIGHT" }, 0, "rejected", "EVENT_IN_FLIGHT"],
  ] as const)("%s → %i %o", async (claim, status, body, endpointCalls, outcome, reason) => {
    const { store, calls } = recording({
      claim: async () => claim as ClaimResult,
      complete: async () => {},
      release: async () => {},
    });
    const endpoint = vi.fn(ok);
    const { handler, entries } = route(endpoint, { store });
    const response = await handler(delivery());
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject(body);
    expect(endpoint).toHaveBeenCalledTimes(endpointCalls);
    // Neither a duplicate nor someone else's in-flight claim may be released or completed here.
    expect(calls).toEqual(
      claim === "claimed" ? ["claim test:evt_1 60000", "complete test:evt_1 300000"] : ["claim test:evt_1 60000"],
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome, status });
    expect(entries[0]?.reason).toBe(reason);
  });

  it.each([
    [
      "claim throws",
      (): Promise<ClaimResult> => {
        throw new Error("redis down");
      },
    ],
    ["claim rejects", () => Promise.reject(new Error("redis down"))],
    ["claim never answers", () => new Promise<ClaimResult>(() => {})],
  ])("%s → 503 STORE_UNAVAILABLE, endpoint not called", async (_case, claim) => {
    const endpoint = vi.fn(ok);
    const { handler, entries } = route(endpoint, {
      store: { claim, complete: async () => {}, release: async () => {} },
    });
    const pending = handler(delivery());
    await vi.advanceTimersByTimeAsync(5_250);
    const response = await pending;
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ code: "STORE_UNAVAILABLE", requestId: response.headers.get("x-request-id") });
    expect(JSON.stringify(body)).not.toContain("redis down");
    expect(endpoint).not.toHaveBeenCalled();
    expect(entries).toEqual([expect.objectContaining({ outcome: "error", status: 503, reason: "STORE_UNAVAILABLE" })]);
  });

  it.each([
    ["complete rejects after a 200", ok, "complete", 200],
    ["release rejects after a 500", () => Response.json({}, { status: 500 }), "release", 500],
    ["release rejects after a throw", () => Promise.reject(new Error("x")), "release", 500],
  ] as const)(
    "%s: the endpoint's answer stands (%s failing is not a 503)",
    async (_case, endpoint, failing, status) => {
      const memory = createMemoryIdempotencyStore();
      const store: IdempotencyStore = {
        claim: (key, leaseMs) => memory.claim(key, leaseMs),
        complete: failing === "complete" ? () => Promise.reject(new Error("gone")) : memory.complete,
        release: failing === "release" ? () => Promise.reject(new Error("gone")) : memory.release,
      };
      const response = await route(endpoint, { store }).handler(delivery());
      expect(response.status).toBe(status);
    },
  );
});

describe("the memory store called directly", () => {
  it("goes through a method replaced after the store was made (a spy, a wrapper), never around it", async () => {
    const store = createMemoryIdempotencyStore();
    const claim = vi.spyOn(store, "claim");
    store.complete = () => Promise.reject(new Error("gone"));
    const { handler, entries } = route(ok, { store });
    expect((await handler(delivery())).status).toBe(200);
    expect(claim).toHaveBeenCalledWith("test:evt_1", 60_000);
    expect(entries[0]).toMatchObject({ level: "warn", warning: "COMPLETE_FAILED" });
  });

  it("keeps its guarantees without promises: a duplicate, a concurrent copy, a retry after a failure", async () => {
    const store = createMemoryIdempotencyStore();
    let fail = true;
    const { handler } = route(() => (fail ? Response.json({}, { status: 500 }) : ok()), { store });
    expect((await handler(delivery())).status).toBe(500);
    fail = false;
    expect((await handler(delivery())).status).toBe(200);
    expect(await (await handler(delivery())).json()).toEqual({ received: true, duplicate: true });
    expect(await store.claim("test:evt_2", 60_000)).toBe("claimed");
    expect((await handler(delivery("evt_2"))).status).toBe(409);
  });
});

describe("idempotency over time and concurrency (memory store)", () => {
  /** An endpoint whose first call waits until `open()`; `started` resolves once it is waiting. */
  function gated() {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    let begin: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      begin = resolve;
    });
    const endpoint = vi.fn(async () => {
      if (endpoint.mock.calls.length === 1) {
        begin();
        await gate;
      }
      return ok();
    });
    return { endpoint, open, started };
  }

  it("answers 409 EVENT_IN_FLIGHT to a concurrent delivery, then a duplicate once the first completes", async () => {
    const { endpoint, open, started } = gated();
    const { handler } = route(endpoint);
    const first = handler(delivery());
    await started;
    const concurrent = await handler(delivery());
    expect(concurrent.status).toBe(409);
    expect(await concurrent.json()).toMatchObject({ code: "EVENT_IN_FLIGHT" });
    expect((await handler(delivery("evt_other"))).status).toBe(200);
    open();
    expect((await first).status).toBe(200);
    expect(await (await handler(delivery())).json()).toEqual({ received: true, duplicate: true });
    expect(endpoint).toHaveBeenCalledTimes(2); // evt_1 once, evt_other once
  });

  it.each([
    [999, 409],
    [1000, 200],
  ])("lets a new claim through once the lease expires: %i ms into a 1000 ms lease → %i", async (elapsed, status) => {
    const { endpoint, open, started } = gated();
    const { handler } = route(endpoint, { leaseMs: 1000 });
    const stuck = handler(delivery());
    await started;
    vi.advanceTimersByTime(elapsed);
    expect((await handler(delivery())).status).toBe(status);
    open();
    await stuck;
  });

  it("a request that fails after its lease ran out leaves the redelivery's claim alone", async () => {
    // The first copy hangs past its lease; a redelivery claims the expired id and is still running
    // when the first one fails. Releasing by key then would free the redelivery's claim and let a
    // third copy run beside it.
    let fail: (error: Error) => void = () => {};
    let firstStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    const endpoint = vi.fn((): Promise<Response> => {
      const call = endpoint.mock.calls.length;
      if (call === 1) {
        firstStarted();
        return new Promise<Response>((_, reject) => {
          fail = reject;
        });
      }
      if (call === 2) return new Promise<Response>(() => {}); // the redelivery, still processing
      return Promise.resolve(ok());
    });
    const { store, calls } = recording();
    const { handler } = route(endpoint, { leaseMs: 1000, store });
    const first = handler(delivery());
    await started;
    vi.advanceTimersByTime(1000);
    void handler(delivery());
    await vi.waitFor(() => expect(endpoint).toHaveBeenCalledTimes(2));
    fail(new Error("db down"));
    expect((await first).status).toBe(500);
    expect(calls.filter((call) => call.startsWith("release"))).toEqual([]);
    expect((await handler(delivery())).status).toBe(409);
    expect(endpoint).toHaveBeenCalledTimes(2);
  });

  it.each([
    [999, { received: true, duplicate: true }, 1],
    [1000, { received: true }, 2],
  ])("remembers a processed id for ttlMs: %i ms into a 1000 ms TTL → %o", async (elapsed, body, calls) => {
    const endpoint = vi.fn(ok);
    const { handler } = route(endpoint, { ttlMs: 1000 });
    await handler(delivery());
    vi.advanceTimersByTime(elapsed);
    expect(await (await handler(delivery())).json()).toEqual(body);
    expect(endpoint).toHaveBeenCalledTimes(calls);
  });

  it("forgets the least recently used id beyond the store's max", async () => {
    const endpoint = vi.fn(ok);
    const { handler } = route(endpoint, { store: createMemoryIdempotencyStore({ max: 2 }) });
    for (const id of ["evt_a", "evt_b", "evt_c"]) await handler(delivery(id));
    const answers = [];
    for (const id of ["evt_c", "evt_b", "evt_a"]) answers.push(await (await handler(delivery(id))).json());
    expect(answers).toEqual([
      { received: true, duplicate: true },
      { received: true, duplicate: true },
      { received: true },
    ]);
  });
});

describe("idempotency options", () => {
  it("passes leaseMs to claim and ttlMs to complete", async () => {
    const { store, calls } = recording();
    await route(ok, { store, leaseMs: 5_000, ttlMs: 86_400_000 }).handler(delivery());
    expect(calls).toEqual(["claim test:evt_1 5000", "complete test:evt_1 86400000"]);
  });

  it("claims the key a custom function gives", async () => {
    const { store, calls } = recording();
    await route(ok, { store, key: (ctx) => `custom:${ctx.headers.get("x-event-id")}` }).handler(delivery());
    expect(calls[0]).toBe("claim custom:evt_1 60000");
  });

  it("answers 500 CONFIGURATION_ERROR, touching neither store nor endpoint, when no event id is known", async () => {
    const { store, calls } = recording();
    const endpoint = vi.fn(ok);
    const response = await route(endpoint, { store }).handler(delivery(null));
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "CONFIGURATION_ERROR" });
    expect(calls).toEqual([]);
    expect(endpoint).not.toHaveBeenCalled();
  });

  it.each([
    [{ ttlMs: 0 }],
    [{ ttlMs: -1 }],
    [{ ttlMs: Number.POSITIVE_INFINITY }],
    [{ leaseMs: 0 }],
    [{ leaseMs: Number.NaN }],
    [{ leaseMs: "60000" as unknown as number }],
  ])("refuses %o with a TypeError", (options) => {
    expect(() => idempotency(options)).toThrow(TypeError);
  });
});
