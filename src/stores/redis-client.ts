import { toHex } from "../crypto/encoding.js";

/**
 * The part of a Redis client the Redis stores use: Lua scripts only, so every store operation is
 * one atomic round trip. Build one from your client with `fromIoredis`, `fromNodeRedis` or
 * `fromUpstash`, or implement it over any other client.
 */
export interface RedisLike {
  /** Runs `script` (EVAL) with `keys` as `KEYS[1..]` and `args` as `ARGV[1..]`; resolves to its reply. */
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  /**
   * Runs a script the server has cached (EVALSHA), rejecting with a `NOSCRIPT` error when it has not.
   * Optional: with it a store sends a 40-character digest instead of the script's text.
   */
  evalsha?(sha1: string, keys: string[], args: string[]): Promise<unknown>;
}

/** The methods of an ioredis `Redis` or `Cluster` the stores call. */
export interface IoredisLike {
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  evalsha?(sha1: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

/** The methods of a node-redis (v4 or later) client the stores call. */
export interface NodeRedisLike {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  evalSha?(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The methods of an @upstash/redis `Redis` the stores call. */
export interface UpstashLike {
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
  evalsha?(sha1: string, keys: string[], args: string[]): Promise<unknown>;
}

function assertClient(client: unknown, method: string, wrapper: string): void {
  const eval_ = (client as Record<string, unknown> | null)?.[method];
  if (typeof eval_ !== "function") throw new TypeError(`tollgate: ${wrapper} needs a client with an ${method} method`);
}

/**
 * Adapts an ioredis client (`Redis` or `Cluster`) for the Redis stores. Every store operation
 * touches one key, so a cluster routes it to one node. For fast failure when Redis is down, set
 * `maxRetriesPerRequest` low (or `enableOfflineQueue: false`); otherwise calls queue until tollgate's
 * 5 s store timeout answers 503.
 *
 * @example
 * import Redis from "ioredis";
 * const redis = fromIoredis(new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 }));
 * const store = createRedisIdempotencyStore(redis);
 */
export function fromIoredis(client: IoredisLike): RedisLike {
  assertClient(client, "eval", "fromIoredis");
  const { evalsha } = client;
  return {
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
    evalsha: evalsha && ((sha1, keys, args) => evalsha.call(client, sha1, keys.length, ...keys, ...args)),
  };
}

/**
 * Adapts a connected node-redis (`redis` v4 or later) client for the Redis stores. Connect it
 * (`await client.connect()`) before the first request; while disconnected its offline queue holds
 * calls until tollgate's 5 s store timeout answers 503 (`disableOfflineQueue: true` fails at once).
 *
 * @example
 * import { createClient } from "redis";
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = createRedisIdempotencyStore(fromNodeRedis(client));
 */
export function fromNodeRedis(client: NodeRedisLike): RedisLike {
  assertClient(client, "eval", "fromNodeRedis");
  const { evalSha } = client;
  return {
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
    evalsha: evalSha && ((sha1, keys, args) => evalSha.call(client, sha1, { keys, arguments: args })),
  };
}

/**
 * Adapts an @upstash/redis client (HTTP, so it works on Vercel, Cloudflare Workers and other edge
 * runtimes) for the Redis stores. The stores' scripts answer with integers, so the client's automatic
 * JSON deserialization of replies changes nothing.
 *
 * @example
 * import { Redis } from "@upstash/redis";
 * const store = createRedisIdempotencyStore(fromUpstash(Redis.fromEnv()));
 */
export function fromUpstash(client: UpstashLike): RedisLike {
  assertClient(client, "eval", "fromUpstash");
  const { evalsha } = client;
  return {
    eval: (script, keys, args) => client.eval(script, keys, args),
    evalsha: evalsha && ((sha1, keys, args) => evalsha.call(client, sha1, keys, args)),
  };
}

/** A Lua script run through `EVALSHA`, falling back to `EVAL` when the server has not cached it. */
export type RedisScript = (redis: RedisLike, keys: string[], args: string[]) => Promise<unknown>;

/** Wraps a Lua script; its SHA-1 is computed once, on first use, with Web Crypto. */
export function redisScript(source: string): RedisScript {
  let sha1: Promise<string> | undefined;
  return async function run(redis, keys, args) {
    if (typeof redis.evalsha !== "function") return redis.eval(source, keys, args);
    sha1 ??= crypto.subtle
      .digest("SHA-1", new TextEncoder().encode(source))
      .then((digest) => toHex(new Uint8Array(digest)));
    try {
      return await redis.evalsha(await sha1, keys, args);
    } catch (error) {
      // Once per server (and after SCRIPT FLUSH): EVAL runs the script and caches it.
      if (!String((error as Error | undefined)?.message ?? error).includes("NOSCRIPT")) throw error;
      return redis.eval(source, keys, args);
    }
  };
}

/** A duration as the whole, positive number of milliseconds `PX`/`PEXPIRE` accept. */
export function pxArgument(ms: number, name: string): string {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(`tollgate: ${name} must be a positive number of milliseconds`);
  }
  return String(Math.ceil(ms));
}

/** Validates a store's key prefix option. */
export function resolvePrefix(prefix: unknown, fallback: string): string {
  if (prefix === undefined) return fallback;
  if (typeof prefix !== "string") throw new TypeError("tollgate: prefix must be a string");
  return prefix;
}
