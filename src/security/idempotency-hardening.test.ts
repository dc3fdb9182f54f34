import { afterEach, describe, expect, it, vi } from "vitest";
import type { AuditEntry } from "../http/audit-entry.js";
import { compose, type Middleware } from "../http/compose.js";
import type { IdempotencyStore } from "../stores/types.js";
import { audit } from "./audit.js";
import { idempotency } from "./idempotency.js";

afterEach(() => vi.restoreAllMocks());

const withKey: Middleware = (ctx, next) => {
  ctx.state.idempotencyKey = "stripe:evt_1";
  return next();
};

function route(store: IdempotencyStore, options: { timeoutMs?: number } = {}) {
  const entries: AuditEntry[] = [];
  const onError = vi.fn();
  const handler = compose(
    [audit({ sink: (entry) => void entries.push(entry as AuditEntry) }), withKey, idempotency({ store, ...options })],
    () => Response.json({ received: true }),
    { route: "stripe-webhook", onError },
  );
  return { send: () => handler(new Request("https://app.example/hook", { method: "POST" })), entries, onError };
}

const memoryLike = (overrides: Partial<IdempotencyStore> = {}): IdempotencyStore & { released: string[] } => {
  const released: string[] = [];
  return {
    released,
    claim: async () => "claimed",
    complete: async () => {},
    release: async (key) => void released.push(key),
    ...overrides,
  };
};

describe("idempotency: store calls are bounded by timeoutMs", () => {
  it("a claim slower than timeoutMs answers 503 STORE_UNAVAILABLE, and a claim that lands later is released", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const store = memoryLike({
      claim: () => new Promise((resolve) => setTimeout(() => resolve("claimed"), 600)),
    });
    const { send, entries, onError } = route(store, { timeoutMs: 50 });
    const started = Date.now();
    const response = await send();
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "STORE_UNAVAILABLE" });
    expect(Date.now() - started).toBeLessThan(600);
    expect(entries[0]).toMatchObject({ outcome: "error", reason: "STORE_UNAVAILABLE" });
    expect(onError).toHaveBeenCalledWith(expect.any(Error), expect.objectContaining({ code: "STORE_UNAVAILABLE" }));
    expect(store.released).toEqual([]);
    await vi.waitFor(() => expect(store.released).toEqual(["stripe:evt_1"]), { timeout: 2_000 });
  });

  it.each([["duplicate"], ["in-flight"]] as const)("a late %s is left alone", async (late) => {
    const store = memoryLike({ claim: () => new Promise((resolve) => setTimeout(() => resolve(late), 400)) });
    const { send } = route(store, { timeoutMs: 50 });
    expect((await send()).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(store.released).toEqual([]);
  });

  it.each([[0], [-1], [1.5], [Number.NaN], ["5000"]])("refuses timeoutMs %j at creation", (value) => {
    expect(() => idempotency({ timeoutMs: value as number })).toThrow(TypeError);
  });
});

describe("idempotency: a complete that fails", () => {
  it("keeps the 200 but marks the audit entry warn / COMPLETE_FAILED, and sends the cause to onError only", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const failure = new Error("redis: READONLY");
    const { send, entries, onError } = route(memoryLike({ complete: () => Promise.reject(failure) }));
    const response = await send();
    expect(response.status).toBe(200);
    expect(entries).toEqual([
      expect.objectContaining({ level: "warn", warning: "COMPLETE_FAILED", outcome: "processed", status: 200 }),
    ]);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ code: "STORE_UNAVAILABLE", cause: failure }),
      expect.objectContaining({ code: "COMPLETE_FAILED", route: "stripe-webhook" }),
    );
    expect(errors).not.toHaveBeenCalled();
  });

  it("a complete that succeeds leaves the entry at info, without a warning", async () => {
    const { send, entries } = route(memoryLike());
    expect((await send()).status).toBe(200);
    expect(entries[0]?.level).toBe("info");
    expect(entries[0]).not.toHaveProperty("warning");
  });
});
