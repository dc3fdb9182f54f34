import { describe, expect, it, vi } from "vitest";
import { fromIoredis, fromNodeRedis, fromUpstash, type RedisLike, redisScript } from "./redis-client.js";
import { createRedisCursorStore } from "./redis-cursor.js";
import { createRedisIdempotencyStore } from "./redis-idempotency.js";
import { createRedisRateLimitStore } from "./redis-rate-limit.js";

describe("client wrappers", () => {
  it("fromIoredis passes the key count and spreads keys then args, keeping `this`", async () => {
    class FakeIoredis {
      readonly calls: unknown[][] = [];
      async eval(...args: unknown[]) {
        this.calls.push(["eval", ...args]);
        return 1;
      }
      async evalsha(...args: unknown[]) {
        this.calls.push(["evalsha", ...args]);
        return 2;
      }
    }
    const client = new FakeIoredis();
    const redis = fromIoredis(client);
    expect(await redis.eval("return 1", ["k1", "k2"], ["a"])).toBe(1);
    expect(await redis.evalsha?.("abc", ["k1"], ["a", "b"])).toBe(2);
    expect(client.calls).toEqual([
      ["eval", "return 1", 2, "k1", "k2", "a"],
      ["evalsha", "abc", 1, "k1", "a", "b"],
    ]);
  });

  it("fromNodeRedis passes { keys, arguments }, keeping `this`", async () => {
    const calls: unknown[][] = [];
    const client = {
      async eval(script: string, options: { keys: string[]; arguments: string[] }) {
        calls.push(["eval", script, options]);
        return "ok";
      },
      async evalSha(this: { eval: unknown }, sha: string, options: { keys: string[]; arguments: string[] }) {
        calls.push(["evalSha", sha, options, typeof this.eval]);
        return "ok";
      },
    };
    const redis = fromNodeRedis(client);
    await redis.eval("s", ["k"], ["1"]);
    await redis.evalsha?.("abc", ["k"], ["1"]);
    expect(calls).toEqual([
      ["eval", "s", { keys: ["k"], arguments: ["1"] }],
      ["evalSha", "abc", { keys: ["k"], arguments: ["1"] }, "function"],
    ]);
  });

  it("fromUpstash accepts @upstash/redis's generic eval signature and passes arguments through", async () => {
    const calls: unknown[][] = [];
    // The shape of @upstash/redis's Redis#eval / #evalsha (instance arrow functions, generic).
    const client = {
      eval: async <TArgs extends unknown[], TData = unknown>(
        ...args: [script: string, keys: string[], args: TArgs]
      ): Promise<TData> => {
        calls.push(["eval", ...args]);
        return 0 as TData;
      },
      evalsha: async <TArgs extends unknown[], TData = unknown>(
        ...args: [sha1: string, keys: string[], args: TArgs]
      ): Promise<TData> => {
        calls.push(["evalsha", ...args]);
        return 0 as TData;
      },
    };
    const redis = fromUpstash(client);
    await redis.eval("s", ["k"], ["1"]);
    await redis.evalsha?.("abc", ["k"], ["1"]);
    expect(calls).toEqual([
      ["eval", "s", ["k"], ["1"]],
      ["evalsha", "abc", ["k"], ["1"]],
    ]);
  });

  it.each([
    ["fromIoredis", fromIoredis],
    ["fromNodeRedis", fromNodeRedis],
    ["fromUpstash", fromUpstash],
  ] as const)("%s refuses something that is not a client", (name, wrap) => {
    for (const client of [undefined, null, {}, { eval: "no" }]) {
      expect(() => wrap(client as never)).toThrow(
        new TypeError(`tollgate: ${name} needs a client with an eval method`),
      );
    }
  });

  it("leaves evalsha out when the client has none", () => {
    expect(fromIoredis({ eval: async () => 1 }).evalsha).toBeUndefined();
  });
});

describe("redisScript", () => {
  const SOURCE = "return 42";
  const SHA1 = "1fa00e76656cc152ad327c13fe365858fd7be306"; // sha1sum of SOURCE

  it("sends the script's SHA-1 with EVALSHA", async () => {
    const redis = { eval: vi.fn(async () => "eval"), evalsha: vi.fn(async () => "sha") };
    const run = redisScript(SOURCE);
    expect(await run(redis, ["k"], ["a"])).toBe("sha");
    expect(await run(redis, ["k"], ["b"])).toBe("sha");
    expect(redis.evalsha.mock.calls).toEqual([
      [SHA1, ["k"], ["a"]],
      [SHA1, ["k"], ["b"]],
    ]);
    expect(redis.eval).not.toHaveBeenCalled();
  });

  it("falls back to EVAL on NOSCRIPT (a server that has not cached it)", async () => {
    const redis = {
      eval: vi.fn(async () => "eval"),
      evalsha: vi.fn(async () => {
        throw new Error("NOSCRIPT No matching script. Please use EVAL.");
      }),
    };
    expect(await redisScript(SOURCE)(redis, ["k"], ["a"])).toBe("eval");
    expect(redis.eval).toHaveBeenCalledWith(SOURCE, ["k"], ["a"]);
  });

  it("propagates any other error without retrying", async () => {
    const redis = {
      eval: vi.fn(async () => "eval"),
      evalsha: vi.fn(async () => {
        throw new Error("ECONNREFUSED 10.0.0.5:6379");
      }),
    };
    await expect(redisScript(SOURCE)(redis, [], [])).rejects.toThrow("ECONNREFUSED");
    expect(redis.eval).not.toHaveBeenCalled();
  });

  it("uses EVAL when the client has no EVALSHA", async () => {
    const redis: RedisLike = { eval: vi.fn(async () => "eval") };
    expect(await redisScript(SOURCE)(redis, ["k"], [])).toBe("eval");
  });
});

describe("Redis stores without a server", () => {
  it.each([
    ["createRedisIdempotencyStore", createRedisIdempotencyStore],
    ["createRedisRateLimitStore", createRedisRateLimitStore],
    ["createRedisCursorStore", createRedisCursorStore],
  ] as const)("%s refuses a client that is not adapted, and a prefix that is not a string", (name, create) => {
    expect(() => create({} as RedisLike)).toThrow(new RegExp(`${name} needs a client`));
    expect(() => create({ eval: async () => 0 }, { prefix: 1 as never })).toThrow("prefix must be a string");
  });

  it("prefixes keys, sends whole milliseconds, and releases only its own claims", async () => {
    const redis = { eval: vi.fn(async (_s: string, _k: string[], _a: string[]): Promise<unknown> => 0) };
    const store = createRedisIdempotencyStore(redis, { prefix: "app:" });
    expect(await store.claim("stripe:evt_1", 1500.2)).toBe("claimed");
    const [, keys, [token, lease] = []] = redis.eval.mock.calls[0] ?? [];
    expect(keys).toEqual(["app:stripe:evt_1"]);
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(lease).toBe("1501");

    await store.release("stripe:evt_other"); // never claimed here: no call
    expect(redis.eval).toHaveBeenCalledTimes(1);
    await store.release("stripe:evt_1");
    expect(redis.eval.mock.calls[1]?.slice(1)).toEqual([["app:stripe:evt_1"], [token]]);
    await store.release("stripe:evt_1"); // already released
    expect(redis.eval).toHaveBeenCalledTimes(2);
  });

  it("maps the claim script's integer replies and refuses anything else", async () => {
    for (const [reply, result] of [
      [1, "duplicate"],
      [2, "in-flight"],
      ["2", "in-flight"],
    ] as const) {
      expect(await createRedisIdempotencyStore({ eval: async () => reply }).claim("k", 1000)).toBe(result);
    }
    await expect(createRedisIdempotencyStore({ eval: async () => "OK" }).claim("k", 1000)).rejects.toThrow(
      "unexpected reply",
    );
  });

  it("refuses a lease or TTL that is not a positive number of milliseconds", async () => {
    const store = createRedisIdempotencyStore({ eval: async () => 0 });
    await expect(store.claim("k", 0)).rejects.toThrow(RangeError);
    await expect(store.complete("k", Number.NaN)).rejects.toThrow(RangeError);
  });

  it("turns the rate-limit reply into a count and a resetAt", async () => {
    const store = createRedisRateLimitStore({ eval: async () => [3, 2500] });
    const before = Date.now();
    const { count, resetAt } = await store.hit("ip", 60_000);
    expect(count).toBe(3);
    expect(resetAt).toBeGreaterThanOrEqual(before + 2500);
    expect(resetAt).toBeLessThanOrEqual(Date.now() + 2500);
    await expect(createRedisRateLimitStore({ eval: async () => "3" }).hit("ip", 1000)).rejects.toThrow(
      "unexpected reply",
    );
  });

  it.each([
    ["a missing key (0)", 0, null],
    ["a value behind v:", "v:1733000000", "1733000000"],
    ["an empty value", "v:", ""],
  ])("reads the cursor script's reply: %s", async (_, reply, value) => {
    expect(await createRedisCursorStore({ eval: async () => reply }).get("c")).toBe(value);
  });

  it.each([["OK"], [1733000000], [null]])("refuses the cursor reply %j", async (reply) => {
    await expect(createRedisCursorStore({ eval: async () => reply }).get("c")).rejects.toThrow("unexpected reply");
  });

  it("prefixes cursor keys and refuses a value that is not a string before any call", async () => {
    const redis = { eval: vi.fn(async (_s: string, _k: string[], _a: string[]): Promise<unknown> => 1) };
    const store = createRedisCursorStore(redis, { prefix: "app:" });
    await store.set("stripe:events", "evt_1");
    expect(redis.eval.mock.calls[0]?.slice(1)).toEqual([["app:stripe:events"], ["evt_1"]]);
    await expect(store.set("stripe:events", 5 as never)).rejects.toThrow("a cursor value must be a string");
    await expect(store.get("")).rejects.toThrow("a cursor name must be a non-empty string");
    expect(redis.eval).toHaveBeenCalledTimes(1);
  });
});
