import { pxArgument, type RedisLike, redisScript, resolvePrefix } from "./redis-client.js";
import type { RedisStoreOptions } from "./redis-idempotency.js";
import type { RateLimitStore } from "./types.js";

// Fixed window: the first hit creates the counter with the window as its expiry; every hit answers
// the count and the time left. `ttl < 0` also repairs a counter left without an expiry.
const HIT = redisScript(`
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`);

/**
 * Fixed-window rate-limit counters on Redis, shared by every instance that uses the same server and
 * prefix: a limit of N per window holds across all of them, instead of N per instance. Each hit is
 * one Lua script (`INCR`, then `PEXPIRE` on the window's first hit), so concurrent hits are counted
 * exactly. The window's end comes from the key's remaining TTL, so instances' clocks need not agree.
 *
 * A Redis error or a call slower than 5 s answers 503 `STORE_UNAVAILABLE` (fail closed).
 *
 * @param redis a client adapted with `fromIoredis`, `fromNodeRedis` or `fromUpstash`
 * @example
 * const redis = fromUpstash(Redis.fromEnv());
 * createWebhookRoute({ …, rateLimit: { limit: 100, windowMs: 60_000, store: createRedisRateLimitStore(redis) } });
 */
export function createRedisRateLimitStore(redis: RedisLike, options: RedisStoreOptions = {}): RateLimitStore {
  if (typeof redis?.eval !== "function") {
    throw new TypeError(
      "tollgate: createRedisRateLimitStore needs a client from fromIoredis, fromNodeRedis or fromUpstash",
    );
  }
  const prefix = resolvePrefix(options.prefix, "tollgate:rl:");
  return {
    async hit(key, windowMs) {
      const reply = await HIT(redis, [prefix + key], [pxArgument(windowMs, "windowMs")]);
      const [count, ttl] = Array.isArray(reply) ? reply.map(Number) : [];
      if (!Number.isInteger(count) || !Number.isFinite(ttl)) {
        throw new Error("unexpected reply from the rate-limit script");
      }
      return { count: count as number, resetAt: Date.now() + (ttl as number) };
    },
  };
}
