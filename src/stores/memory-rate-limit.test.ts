import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryRateLimitStore } from "./memory-rate-limit.js";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => vi.useRealTimers());

describe("createMemoryRateLimitStore", () => {
  it("counts hits in a fixed window that ends exactly windowMs after the first", async () => {
    const store = createMemoryRateLimitStore();
    const seen = [];
    for (const advance of [0, 0, 999, 1]) {
      vi.advanceTimersByTime(advance);
      seen.push(await store.hit("k", 1000));
    }
    expect(seen).toEqual([
      { count: 1, resetAt: NOW + 1000 },
      { count: 2, resetAt: NOW + 1000 },
      { count: 3, resetAt: NOW + 1000 },
      { count: 1, resetAt: NOW + 2000 },
    ]);
  });

  it("evicts the least recently used key beyond max", async () => {
    const store = createMemoryRateLimitStore({ max: 2 });
    await store.hit("a", 60_000);
    await store.hit("b", 60_000);
    await store.hit("a", 60_000); // a is now the most recent
    await store.hit("c", 60_000); // evicts b
    expect((await store.hit("a", 60_000)).count).toBe(3);
    expect((await store.hit("b", 60_000)).count).toBe(1);
  });

  it("hands out copies, so a caller cannot change the count", async () => {
    const store = createMemoryRateLimitStore();
    const first = await store.hit("k", 1000);
    first.count = 100;
    expect((await store.hit("k", 1000)).count).toBe(2);
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])("refuses max %s with a TypeError", (max) => {
    expect(() => createMemoryRateLimitStore({ max })).toThrow(TypeError);
  });
});
