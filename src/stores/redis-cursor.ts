import { cursorName } from "./cursor-name.js";
import { type RedisLike, redisScript, resolvePrefix } from "./redis-client.js";
import type { RedisStoreOptions } from "./redis-idempotency.js";
import type { CursorStore } from "./types.js";

// The value comes back behind "v:" so no client's reply decoding (Upstash JSON-parses strings: a
// cursor of digits would turn into a number) can change it; a missing key answers the integer 0.
const GET = redisScript(`
local value = redis.call('GET', KEYS[1])
if value then return 'v:' .. value end
return 0`);

const SET = redisScript(`redis.call('SET', KEYS[1], ARGV[1]) return 1`);

/**
 * Cursor store on Redis: the reconcile sweep's position, shared by every instance that uses the same
 * server and prefix. Cursors never expire (a sweep may run days apart); each is one small key.
 *
 * @param redis a client adapted with `fromIoredis`, `fromNodeRedis` or `fromUpstash`
 * @example
 * const cursor = createRedisCursorStore(fromUpstash(Redis.fromEnv()));
 * createStripeReconcileRoute({ …, cursor });
 */
export function createRedisCursorStore(redis: RedisLike, options: RedisStoreOptions = {}): CursorStore {
  if (typeof redis?.eval !== "function") {
    throw new TypeError(
      "tollgate: createRedisCursorStore needs a client from fromIoredis, fromNodeRedis or fromUpstash",
    );
  }
  const prefix = resolvePrefix(options.prefix, "tollgate:cursor:");
  return {
    async get(name) {
      const reply = await GET(redis, [prefix + cursorName(name)], []);
      if (reply === 0 || reply === "0") return null;
      if (typeof reply !== "string" || !reply.startsWith("v:")) {
        throw new Error(`unexpected reply from the cursor script: ${String(reply)}`);
      }
      return reply.slice(2);
    },
    async set(name, value) {
      if (typeof value !== "string") throw new TypeError("tollgate: a cursor value must be a string");
      await SET(redis, [prefix + cursorName(name)], [value]);
    },
  };
}
