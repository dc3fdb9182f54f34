import type { Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { addressGroup } from "../http/source-ip.js";
import { createMemoryRateLimitStore } from "../stores/memory-rate-limit.js";
import type { RateLimitStore } from "../stores/types.js";
import { storeCall } from "../stores/with-timeout.js";

export interface RateLimitOptions {
  /** Requests allowed per key in each window. */
  limit: number;
  /** Window length in milliseconds (fixed windows). */
  windowMs: number;
  /**
   * The bucket a request counts against. Only as trustworthy as what it reads. It may read
   * headers; a body read through `request` is held to the route's size limit and `bodyTimeoutMs`.
   * @default the source IP (see the route's `proxyHops` and `clientIp`), IPv6 grouped by its /64;
   * "unknown" when there is none
   */
  key?: (request: Request) => string;
  /** Where counts live. @default an in-memory store (per instance) */
  store?: RateLimitStore;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`tollgate: rateLimit.${name} must be a positive integer`);
  }
  return value;
}

/** The limit of the status and checkout routes when they have neither `auth` nor a `rateLimit`. */
export const ANONYMOUS_RATE_LIMIT = Object.freeze({ limit: 30, windowMs: 60_000 });

/** Internal switches of the rate-limit layer. */
export interface RateLimitBehaviour {
  /**
   * Let requests whose source IP is unknown through uncounted (the default limit of routes without
   * `auth`: one bucket shared by every client would let one lock out all).
   */
  skipUnknownSource?: boolean;
}

/**
 * Fixed-window rate limit. Every limited response carries `RateLimit-Limit`, `RateLimit-Remaining`
 * and `RateLimit-Reset` (seconds); over the limit it answers 429 `RATE_LIMITED` with `Retry-After`.
 * A failing store answers 503 `STORE_UNAVAILABLE` (fail closed).
 *
 * @example
 * rateLimit({ limit: 100, windowMs: 60_000 })
 */
export function rateLimit(options: RateLimitOptions, behaviour: RateLimitBehaviour = {}): Middleware {
  const limit = positiveInteger(options?.limit, "limit");
  const windowMs = positiveInteger(options.windowMs, "windowMs");
  const { key } = options;
  if (key !== undefined && typeof key !== "function") throw new TypeError("tollgate: rateLimit.key must be a function");
  const store = options.store ?? createMemoryRateLimitStore();
  const bucket = (ctx: RouteContext) =>
    `${ctx.route}:${key ? key(ctx.request) : ctx.sourceIp === null ? "unknown" : addressGroup(ctx.sourceIp)}`;
  const skipUnknown = behaviour.skipUnknownSource === true && key === undefined;
  return async function rateLimit(ctx, next) {
    if (skipUnknown && ctx.sourceIp === null) return next();
    const name = bucket(ctx);
    const { count, resetAt } = await storeCall(() => store.hit(name, windowMs));
    const resetSeconds = Math.max(0, Math.ceil((resetAt - Date.now()) / 1000));
    ctx.responseHeaders.set("ratelimit-limit", String(limit));
    ctx.responseHeaders.set("ratelimit-remaining", String(Math.max(0, limit - count)));
    ctx.responseHeaders.set("ratelimit-reset", String(resetSeconds));
    if (count > limit) {
      ctx.responseHeaders.set("retry-after", String(Math.max(1, resetSeconds)));
      throw new TollgateError("RATE_LIMITED");
    }
    return next();
  };
}
