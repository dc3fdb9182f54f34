import { describe, expect, it, vi } from "vitest";
import { layeredIdempotencyStore } from "./layered.js";
import { createMemoryIdempotencyStore } from "./memory-idempotency.js";
import type { ClaimResult, IdempotencyStore } from "./types.js";

/** A store that answers `claim` from a script and records every call. */
function scripted(...answers: ClaimResult[]) {
  const calls: string[] = [];
  const store = {
    claim: vi.fn(async (key: string) => {
      calls.push(`claim ${key}`);
      return answers.shift() ?? "claimed";
    }),
    complete: vi.fn(async (key: string, ttlMs: number) => void calls.push(`complete ${key} ${ttlMs}`)),
    release: vi.fn(async (key: string) => void calls.push(`release ${key}`)),
  } satisfies IdempotencyStore;
  return { store, calls };
}

/** Fails every call, one synchronously (a store need not be an async function). */
const failing = (message: string): IdempotencyStore => ({
  claim: async () => {
    throw new Error(message);
  },
  complete: () => {
    throw new Error(message);
  },
  release: async () => {
    throw new Error(message);
  },
});

describe("layeredIdempotencyStore", () => {
  it("answers a duplicate the fast store knows without calling the durable store", async () => {
    const fast = createMemoryIdempotencyStore();
    const durable = scripted();
    const store = layeredIdempotencyStore(fast, durable.store);
    expect(await store.claim("k", 1000)).toBe("claimed");
    await store.complete("k", 60_000);
    expect(await store.claim("k", 1000)).toBe("duplicate");
    expect(await store.claim("k", 1000)).toBe("duplicate");
    expect(durable.calls).toEqual(["claim k", "complete k 60000"]);
  });

  it.each(["duplicate", "in-flight"] as const)(
    "lets the durable store decide (%s), and drops the fast claim it did not get",
    async (answer) => {
      const fast = createMemoryIdempotencyStore();
      const store = layeredIdempotencyStore(fast, scripted(answer).store);
      expect(await store.claim("k", 60_000)).toBe(answer);
      // No fast claim left behind: the fast store would grant it again.
      expect(await fast.claim("k", 60_000)).toBe("claimed");
    },
  );

  it("grants a claim the durable store grants even when the fast store says in-flight", async () => {
    const fast = createMemoryIdempotencyStore();
    await fast.claim("k", 60_000); // e.g. a request of this instance whose durable lease ran out
    const store = layeredIdempotencyStore(fast, scripted("claimed").store);
    expect(await store.claim("k", 60_000)).toBe("claimed");
  });

  it("writes complete to both stores and releases both", async () => {
    const fast = scripted();
    const durable = scripted();
    const store = layeredIdempotencyStore(fast.store, durable.store);
    await store.claim("a", 1000);
    await store.complete("a", 5000);
    await store.claim("b", 1000);
    await store.release("b");
    for (const { calls } of [fast, durable]) {
      expect(calls).toEqual(["claim a", "complete a 5000", "claim b", "release b"]);
    }
  });

  it("works on the durable store alone when the fast store throws", async () => {
    const durable = createMemoryIdempotencyStore();
    const store = layeredIdempotencyStore(failing("fast store down"), durable);
    expect(await store.claim("k", 60_000)).toBe("claimed");
    expect(await store.claim("k", 60_000)).toBe("in-flight");
    await store.release("k");
    expect(await store.claim("k", 60_000)).toBe("claimed");
    await store.complete("k", 60_000);
    expect(await store.claim("k", 60_000)).toBe("duplicate");
  });

  it("rejects when the durable store fails, and drops the fast claim", async () => {
    const fast = createMemoryIdempotencyStore();
    const store = layeredIdempotencyStore(fast, failing("durable store down"));
    await expect(store.claim("k", 60_000)).rejects.toThrow("durable store down");
    expect(await fast.claim("k", 60_000)).toBe("claimed");
    await expect(store.complete("k", 1000)).rejects.toThrow("durable store down");
    await expect(store.release("k")).rejects.toThrow("durable store down");
  });

  it("refuses something that is not a store", () => {
    const memory = createMemoryIdempotencyStore();
    expect(() => layeredIdempotencyStore(memory, {} as IdempotencyStore)).toThrow("durable store needs a claim method");
    expect(() => layeredIdempotencyStore(undefined as never, memory)).toThrow("fast store needs a claim method");
  });
});
