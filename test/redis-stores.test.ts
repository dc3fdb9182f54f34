import { describe, expect, it } from "vitest";
import {
  createMemoryIdempotencyStore,
  createRedisCursorStore,
  createRedisIdempotencyStore,
  createRedisRateLimitStore,
  fromIoredis,
  fromNodeRedis,
  fromUpstash,
  layeredIdempotencyStore,
  type RedisLike,
} from "../src/security.js";
import { cursorStoreConformance, idempotencyStoreConformance, rateLimitStoreConformance } from "../src/testing.js";
import { describeRedis, useRedis } from "./support/redis.js";

describeRedis("Redis stores on a real server", () => {
  const redis = useRedis();
  const clients: Array<[string, () => RedisLike]> = [
    ["ioredis", () => fromIoredis(redis.ioredis)],
    ["node-redis", () => fromNodeRedis(redis.nodeRedis)],
    ["upstash (fake over ioredis)", () => fromUpstash(redis.upstash)],
  ];
  const runner = { describe, it, expect };

  for (const [name, client] of clients) {
    idempotencyStoreConformance(
      `redis via ${name}`,
      () => createRedisIdempotencyStore(client(), { prefix: redis.prefix() }),
      runner,
    );
    rateLimitStoreConformance(
      `redis via ${name}`,
      () => createRedisRateLimitStore(client(), { prefix: redis.prefix() }),
      runner,
    );
    cursorStoreConformance(
      `redis via ${name}`,
      () => createRedisCursorStore(client(), { prefix: redis.prefix() }),
      runner,
    );
  }
  idempotencyStoreConformance(
    "layered memory over redis",
    () =>
      layeredIdempotencyStore(
        createMemoryIdempotencyStore(),
        createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix: redis.prefix() }),
      ),
    runner,
  );

  describe("across store instances (one per process)", () => {
    it("stores on one prefix share claims and completed ids, whatever the client library", async () => {
      const prefix = redis.prefix();
      const a = createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix });
      const b = createRedisIdempotencyStore(fromNodeRedis(redis.nodeRedis), { prefix });
      expect(await a.claim("stripe:evt_1", 60_000)).toBe("claimed");
      expect(await b.claim("stripe:evt_1", 60_000)).toBe("in-flight");
      await a.complete("stripe:evt_1", 60_000);
      expect(await b.claim("stripe:evt_1", 60_000)).toBe("duplicate");
    });

    it("a release cannot free another instance's claim", async () => {
      const prefix = redis.prefix();
      const a = createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix });
      const b = createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix });
      await a.claim("k", 60_000);
      await b.release("k");
      expect(await b.claim("k", 60_000)).toBe("in-flight");
    });

    it("a late release after the lease expired leaves the new holder's claim alone", async () => {
      const prefix = redis.prefix();
      const a = createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix });
      const b = createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix });
      expect(await a.claim("k", 50)).toBe("claimed");
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await b.claim("k", 60_000)).toBe("claimed");
      await a.release("k"); // a's handler failed long after its lease
      expect(await a.claim("k", 60_000)).toBe("in-flight");
    });

    it("cursor stores on one prefix share cursors, whatever the client library", async () => {
      const prefix = redis.prefix();
      const a = createRedisCursorStore(fromIoredis(redis.ioredis), { prefix });
      const b = createRedisCursorStore(fromNodeRedis(redis.nodeRedis), { prefix });
      const c = createRedisCursorStore(fromUpstash(redis.upstash), { prefix });
      await a.set("stripe:events", "1733000000");
      expect([await b.get("stripe:events"), await c.get("stripe:events")]).toEqual(["1733000000", "1733000000"]);
      expect(
        await createRedisCursorStore(fromIoredis(redis.ioredis), { prefix: redis.prefix() }).get("stripe:events"),
      ).toBe(null);
    });

    it("different prefixes do not see each other", async () => {
      const a = createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix: redis.prefix() });
      const b = createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix: redis.prefix() });
      await a.claim("k", 60_000);
      expect(await b.claim("k", 60_000)).toBe("claimed");
    });
  });

  describe("what lands in Redis", () => {
    it("a claim expires with its lease, a completed id with its TTL, a window with windowMs", async () => {
      const prefix = redis.prefix();
      const store = createRedisIdempotencyStore(fromIoredis(redis.ioredis), { prefix });
      await store.claim("k", 30_000);
      const claimTtl = await redis.ioredis.pttl(`${prefix}k`);
      expect(claimTtl).toBeGreaterThan(29_000);
      expect(claimTtl).toBeLessThanOrEqual(30_000);
      await store.complete("k", 600_000);
      expect(await redis.ioredis.get(`${prefix}k`)).toBe("done");
      expect(await redis.ioredis.pttl(`${prefix}k`)).toBeGreaterThan(599_000);

      const limits = createRedisRateLimitStore(fromIoredis(redis.ioredis), { prefix });
      await limits.hit("ip", 60_000);
      await limits.hit("ip", 60_000);
      expect(await redis.ioredis.get(`${prefix}ip`)).toBe("2");
      expect(await redis.ioredis.pttl(`${prefix}ip`)).toBeGreaterThan(59_000);
    });

    it("uses the default prefixes", async () => {
      const store = createRedisIdempotencyStore(fromIoredis(redis.ioredis));
      const key = `test-${crypto.randomUUID()}`;
      try {
        await store.claim(key, 60_000);
        expect(await redis.ioredis.exists(`tollgate:idem:${key}`)).toBe(1);
        await createRedisRateLimitStore(fromIoredis(redis.ioredis)).hit(key, 60_000);
        expect(await redis.ioredis.exists(`tollgate:rl:${key}`)).toBe(1);
        await createRedisCursorStore(fromIoredis(redis.ioredis)).set(key, "evt_1");
        expect(await redis.ioredis.get(`tollgate:cursor:${key}`)).toBe("evt_1");
        // Cursors do not expire: a sweep may run days apart.
        expect(await redis.ioredis.pttl(`tollgate:cursor:${key}`)).toBe(-1);
      } finally {
        await redis.ioredis.del(`tollgate:idem:${key}`, `tollgate:rl:${key}`, `tollgate:cursor:${key}`);
      }
    });

    it.each([
      ["ioredis", () => fromIoredis(redis.ioredis)],
      ["node-redis", () => fromNodeRedis(redis.nodeRedis)],
      ["upstash", () => fromUpstash(redis.upstash)],
    ])("%s: reloads the scripts after SCRIPT FLUSH (EVALSHA → NOSCRIPT → EVAL)", async (_, client) => {
      const store = createRedisRateLimitStore(client(), { prefix: redis.prefix() });
      expect((await store.hit("ip", 60_000)).count).toBe(1);
      await redis.ioredis.script("FLUSH");
      expect((await store.hit("ip", 60_000)).count).toBe(2);
      expect((await store.hit("ip", 60_000)).count).toBe(3);
    });
  });
});
