import { describe, expect, it } from "vitest";
import {
  type CursorStore,
  createMemoryCursorStore,
  createMemoryIdempotencyStore,
  createMemoryRateLimitStore,
  type IdempotencyStore,
  layeredIdempotencyStore,
} from "../src/security.js";
import { cursorStoreConformance, idempotencyStoreConformance, rateLimitStoreConformance } from "../src/testing.js";
import { manualClock } from "./support/manual-clock.js";

// The memory stores read Date.now, so real short sleeps work as they do for Redis.
idempotencyStoreConformance("memory", () => createMemoryIdempotencyStore(), { describe, it, expect });
rateLimitStoreConformance("memory", () => createMemoryRateLimitStore(), { describe, it, expect });
cursorStoreConformance("memory", () => createMemoryCursorStore(), { describe, it, expect });

// The same suites on a manual clock, through the advanceTime hook: no real waiting.
const idemClock = manualClock();
idempotencyStoreConformance("memory (manual clock)", () => createMemoryIdempotencyStore({ now: idemClock.now }), {
  describe,
  it,
  expect,
  ...idemClock,
});
const rateClock = manualClock();
rateLimitStoreConformance("memory (manual clock)", () => createMemoryRateLimitStore({ now: rateClock.now }), {
  describe,
  it,
  expect,
  ...rateClock,
});

idempotencyStoreConformance(
  "layered memory over memory",
  () => layeredIdempotencyStore(createMemoryIdempotencyStore(), createMemoryIdempotencyStore()),
  { describe, it, expect },
);

// Without `expect` (node:test, or a runner whose expect differs) a failed check throws an Error.
describe("conformance suites without an expect function", () => {
  const cases: Array<[string, () => Promise<void>]> = [];
  const collect = {
    describe: (_: string, fn: () => void) => fn(),
    it: (name: string, fn: () => Promise<void>) => void cases.push([name, fn]),
  };
  const broken: IdempotencyStore = {
    claim: async () => "claimed", // grants every claim: no in-flight, no duplicates
    complete: async () => {},
    release: async () => {},
  };
  idempotencyStoreConformance("broken", () => broken, collect);

  it("passes the cases a store that grants every claim happens to satisfy, and fails the rest", async () => {
    const failures: string[] = [];
    const passed: string[] = [];
    for (const [name, run] of cases) {
      await run().then(
        () => passed.push(name),
        (error: Error) => failures.push(`${name}: ${error.message}`),
      );
    }
    expect(passed).toEqual([
      "claims an id nobody holds",
      "lets the next claim through after release",
      "ignores the release of an id never claimed",
    ]);
    expect(failures).toContain(
      'answers in-flight while a claim is held: second claim: expected "in-flight", received "claimed"',
    );
    expect(failures).toContain(
      "grants exactly one of 50 concurrent claims of one id: claimed: expected 1, received 50",
    );
    expect(cases.length).toBe(12);
  });

  it("refuses a runner without describe and it", () => {
    expect(() => idempotencyStoreConformance("x", () => broken, {} as never)).toThrow("describe and it functions");
  });
});

describe("the cursor conformance suite catches a store that keeps the first value", () => {
  const cases: Array<[string, () => Promise<void>]> = [];
  const values = new Map<string, string>();
  const firstWins: CursorStore = {
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => void (values.has(name) || values.set(name, value)),
  };
  cursorStoreConformance("first wins", () => firstWins, {
    describe: (_: string, fn: () => void) => fn(),
    it: (name: string, fn: () => Promise<void>) => void cases.push([name, fn]),
  });

  it("fails exactly the replacing case", async () => {
    const failures: string[] = [];
    for (const [name, run] of cases) await run().catch((error: Error) => failures.push(`${name}: ${error.message}`));
    expect(failures).toEqual([
      'keeps the last value set: replaced value: expected "events:1764464400", received "events:1764460800"',
    ]);
  });
});
