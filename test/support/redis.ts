import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe } from "vitest";
import type { UpstashLike } from "../../src/security.js";

/** Set to a real server (CI: redis://127.0.0.1:6379) to run the Redis suites. */
export const REDIS_URL = process.env.REDIS_URL;

/** `describe`, skipped with a visible notice when `REDIS_URL` is unset. */
export function describeRedis(name: string, fn: () => void): void {
  if (!REDIS_URL) console.warn(`[tollgate] ${name}: skipped: set REDIS_URL (e.g. redis://127.0.0.1:6379)`);
  describe.skipIf(!REDIS_URL)(name, fn);
}

const connectNodeRedis = () => createClient({ url: REDIS_URL }).connect();
type NodeRedisClient = Awaited<ReturnType<typeof connectNodeRedis>>;

export interface RedisClients {
  ioredis: Redis;
  nodeRedis: NodeRedisClient;
  /** A fake @upstash/redis client (its eval signature and reply decoding) over ioredis. */
  upstash: UpstashLike;
  /** A key prefix of its own; every key under it is deleted after the test. */
  prefix(): string;
}

/**
 * Connects both clients for the calling suite, gives each test fresh prefixes and deletes their keys
 * afterwards, and closes the clients so vitest exits. Call inside `describeRedis`.
 */
export function useRedis(): RedisClients {
  const prefixes: string[] = [];
  const clients = {
    prefix() {
      const prefix = `tollgate-test:${crypto.randomUUID()}:`;
      prefixes.push(prefix);
      return prefix;
    },
  } as RedisClients;
  beforeAll(async () => {
    clients.ioredis = new Redis(REDIS_URL as string, { maxRetriesPerRequest: 1 });
    clients.nodeRedis = await connectNodeRedis();
    clients.upstash = upstashOver(clients.ioredis);
  });
  afterEach(async () => {
    for (const prefix of prefixes.splice(0)) {
      const keys = await clients.ioredis.keys(`${prefix}*`);
      if (keys.length > 0) await clients.ioredis.del(...keys);
    }
  });
  afterAll(async () => {
    await clients.ioredis?.quit();
    await clients.nodeRedis?.quit();
  });
  return clients;
}

/**
 * Mimics @upstash/redis's `eval(script, keys, args)` / `evalsha(sha1, keys, args)` (generic, instance
 * arrow functions) and its automatic JSON deserialization of replies, over a local server.
 */
function upstashOver(io: Redis) {
  const decode = (reply: unknown): unknown => {
    if (Array.isArray(reply)) return reply.map(decode);
    if (typeof reply !== "string") return reply;
    try {
      return JSON.parse(reply);
    } catch {
      return reply;
    }
  };
  const call = async (command: "eval" | "evalsha", first: string, keys: string[], args: unknown[]) => {
    try {
      return decode(await io[command](first, keys.length, ...keys, ...args.map(String)));
    } catch (error) {
      // UpstashError carries Redis's message followed by the command.
      throw new Error(`${(error as Error).message}, command was: [["${command}", …]]`);
    }
  };
  return {
    eval: <TArgs extends unknown[], TData = unknown>(...[script, keys, args]: [string, string[], TArgs]) =>
      call("eval", script, keys, args) as Promise<TData>,
    evalsha: <TArgs extends unknown[], TData = unknown>(...[sha1, keys, args]: [string, string[], TArgs]) =>
      call("evalsha", sha1, keys, args) as Promise<TData>,
  };
}
