import { heldTokens } from "./held-tokens.js";
import { pxArgument, type RedisLike, redisScript, resolvePrefix } from "./redis-client.js";
import type { ClaimResult, IdempotencyStore } from "./types.js";

export interface RedisStoreOptions {
  /**
   * Prepended to every key this store writes, so several apps (or routes that must not share ids)
   * can use one Redis database. Stores with the same prefix on the same server share state: that is
   * what makes a duplicate delivered to another instance a duplicate.
   * @default "tollgate:idem:" for idempotency, "tollgate:rl:" for rate limits, "tollgate:cursor:" for cursors
   */
  prefix?: string;
}

const DONE = "done";

// A claim holds a random token for leaseMs; a completed id holds "done" for ttlMs. Integer replies
// keep every client's reply decoding (Upstash JSON-parses strings) out of the picture.
const CLAIM = redisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
if redis.call('GET', KEYS[1]) == '${DONE}' then return 1 end
return 2`);

const COMPLETE = redisScript(`redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[1]) return 1`);

// Deletes the claim only while it still holds this claimant's token: after a lease expired and
// another instance claimed the id, a late release must not free that instance's claim.
const RELEASE = redisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

const CLAIM_RESULTS: readonly ClaimResult[] = ["claimed", "duplicate", "in-flight"];

/**
 * Idempotency store on Redis: every instance that uses the same server and prefix sees the same
 * claims and completed ids, so a redelivery to another instance is a duplicate and concurrent
 * deliveries are processed once. Each operation is one Lua script (atomic, one round trip).
 *
 * - `claim`: `SET key token NX PX leaseMs`; a completed id answers `"duplicate"`, a live claim `"in-flight"`.
 * - `complete`: `SET key done PX ttlMs` (Redis memory: about 100 bytes per id while it lives).
 * - `release`: deletes the claim only if it still holds the token this store instance set, so a
 *   late release cannot free a claim another instance took after the lease expired.
 *
 * A Redis error or a call slower than 5 s answers 503 `STORE_UNAVAILABLE` (fail closed: the sender
 * retries later rather than the event being processed unguarded).
 *
 * @param redis a client adapted with `fromIoredis`, `fromNodeRedis` or `fromUpstash`
 * @example
 * import Redis from "ioredis";
 * const redis = fromIoredis(new Redis(process.env.REDIS_URL!));
 * createWebhookRoute({ …, idempotency: { store: createRedisIdempotencyStore(redis) } });
 */
export function createRedisIdempotencyStore(redis: RedisLike, options: RedisStoreOptions = {}): IdempotencyStore {
  if (typeof redis?.eval !== "function") {
    throw new TypeError(
      "tollgate: createRedisIdempotencyStore needs a client from fromIoredis, fromNodeRedis or fromUpstash",
    );
  }
  const prefix = resolvePrefix(options.prefix, "tollgate:idem:");
  // The interface has no token parameter: the store remembers the token of each claim it holds.
  const held = heldTokens();
  return {
    async claim(key, leaseMs) {
      const token = crypto.randomUUID();
      const reply = await CLAIM(redis, [prefix + key], [token, pxArgument(leaseMs, "leaseMs")]);
      const result = CLAIM_RESULTS[Number(reply)];
      if (result === undefined) throw new Error(`unexpected reply from the claim script: ${String(reply)}`);
      if (result === "claimed") held.hold(key, token);
      return result;
    },
    async complete(key, ttlMs) {
      const px = pxArgument(ttlMs, "ttlMs");
      held.take(key);
      await COMPLETE(redis, [prefix + key], [px]);
    },
    async release(key) {
      const token = held.take(key);
      if (token === undefined) return;
      await RELEASE(redis, [prefix + key], [token]);
    },
  };
}
