import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryIdempotencyStore } from "./memory-idempotency.js";
import type { IdempotencyStore } from "./types.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const LEASE = 60_000;
const TTL = 300_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

type Step = ["claim" | "complete" | "release" | "advance", number?];

/** Runs steps against a fresh store for key "k" and returns what each claim answered. */
async function run(steps: Step[], store: IdempotencyStore = createMemoryIdempotencyStore()) {
  const answers: string[] = [];
  for (const [action, ms] of steps) {
    if (action === "advance") vi.advanceTimersByTime(ms ?? 0);
    else if (action === "claim") answers.push(await store.claim("k", ms ?? LEASE));
    else if (action === "complete") await store.complete("k", ms ?? TTL);
    else await store.release("k");
  }
  return answers;
}

describe("createMemoryIdempotencyStore", () => {
  it.each<[string, Step[], string[]]>([
    ["a first claim wins", [["claim"]], ["claimed"]],
    ["a second claim while the first holds it is in flight", [["claim"], ["claim"]], ["claimed", "in-flight"]],
    ["a completed id is a duplicate", [["claim"], ["complete"], ["claim"]], ["claimed", "duplicate"]],
    ["a released claim can be claimed again", [["claim"], ["release"], ["claim"]], ["claimed", "claimed"]],
    [
      "release does not forget a completed id",
      [["claim"], ["complete"], ["release"], ["claim"]],
      ["claimed", "duplicate"],
    ],
    [
      "the lease holds until its last millisecond",
      [["claim"], ["advance", LEASE - 1], ["claim"]],
      ["claimed", "in-flight"],
    ],
    ["an expired lease can be claimed again", [["claim"], ["advance", LEASE], ["claim"]], ["claimed", "claimed"]],
    ["a custom lease", [["claim", 1000], ["advance", 1000], ["claim"]], ["claimed", "claimed"]],
    [
      "a completed id is a duplicate until its TTL ends",
      [["claim"], ["complete"], ["advance", TTL - 1], ["claim"]],
      ["claimed", "duplicate"],
    ],
    [
      "a completed id is processable again after its TTL",
      [["claim"], ["complete"], ["advance", TTL], ["claim"]],
      ["claimed", "claimed"],
    ],
    [
      "the TTL counts from completion, not from the claim",
      [["claim"], ["advance", 50_000], ["complete", 1000], ["advance", 999], ["claim"]],
      ["claimed", "duplicate"],
    ],
  ])("%s", async (_case, steps, answers) => {
    expect(await run(steps)).toEqual(answers);
  });

  it("keeps keys apart", async () => {
    const store = createMemoryIdempotencyStore();
    expect(await store.claim("stripe:evt_1", LEASE)).toBe("claimed");
    expect(await store.claim("clerk:evt_1", LEASE)).toBe("claimed");
    await store.complete("stripe:evt_1", TTL);
    expect(await store.claim("stripe:evt_2", LEASE)).toBe("claimed");
  });

  it("evicts the least recently used id at max, so an evicted completed id is processed again", async () => {
    const store = createMemoryIdempotencyStore({ max: 2 });
    for (const key of ["a", "b"]) {
      await store.claim(key, LEASE);
      await store.complete(key, TTL);
    }
    expect(await store.claim("a", LEASE)).toBe("duplicate"); // a is now the most recently used
    await store.complete("c", TTL); // the third completed id evicts b
    expect(await store.claim("a", LEASE)).toBe("duplicate");
    expect(await store.claim("b", LEASE)).toBe("claimed");
  });

  it("never evicts a claim in progress, however many ids complete meanwhile", async () => {
    const store = createMemoryIdempotencyStore({ max: 2 });
    expect(await store.claim("held", LEASE)).toBe("claimed");
    for (const key of ["a", "b", "c", "d"]) {
      await store.claim(key, LEASE);
      await store.complete(key, TTL);
    }
    // A concurrent copy of the held event is still turned away, not processed a second time.
    expect(await store.claim("held", LEASE)).toBe("in-flight");
    await store.complete("held", TTL);
    expect(await store.claim("held", LEASE)).toBe("duplicate");
  });

  it("holds more live claims than max; a lease that ran out frees its id", async () => {
    let now = 0;
    const store = createMemoryIdempotencyStore({ max: 2, now: () => now });
    const held = ["a", "b", "c", "d"];
    for (const key of held) expect(await store.claim(key, 1_000)).toBe("claimed");
    for (const key of held) expect(await store.claim(key, 1_000)).toBe("in-flight");
    now = 1_000;
    for (const key of held) expect(await store.claim(key, 1_000)).toBe("claimed");
  });

  it("holds exactly max ids", async () => {
    const store = createMemoryIdempotencyStore({ max: 3 });
    for (const key of ["a", "b", "c"]) await store.complete(key, TTL);
    expect(await Promise.all(["a", "b", "c"].map((key) => store.claim(key, LEASE)))).toEqual([
      "duplicate",
      "duplicate",
      "duplicate",
    ]);
    await store.complete("d", TTL);
    expect(await store.claim("a", LEASE)).toBe("claimed");
  });

  it("reads an injected clock", async () => {
    let now = 0;
    const store = createMemoryIdempotencyStore({ now: () => now });
    await store.claim("k", 100);
    now = 99;
    expect(await store.claim("k", 100)).toBe("in-flight");
    now = 100;
    expect(await store.claim("k", 100)).toBe("claimed");
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])("refuses max %s with a TypeError", (max) => {
    expect(() => createMemoryIdempotencyStore({ max })).toThrow(TypeError);
  });
});

describe("createMemoryIdempotencyStore with many live claims", () => {
  it("claims 80 000 live ids quickly (the sweep is not a scan per claim), and still claims a fresh key", async () => {
    const store = createMemoryIdempotencyStore();
    const started = performance.now();
    for (let i = 0; i < 80_000; i++) {
      if ((await store.claim(`stripe:evt_${i}`, 60_000)) !== "claimed") throw new Error(`evt_${i} not claimed`);
    }
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await store.claim("stripe:evt_fresh", 60_000)).toBe("claimed");
    expect(await store.claim("stripe:evt_79999", 60_000)).toBe("in-flight");
  });
});
