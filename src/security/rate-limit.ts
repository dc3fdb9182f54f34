import type { Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { createMemoryRateLimitStore } from "../stores/memory-rate-limit.js";
import type { RateLimitStore } from "../stores/types.js";
import { storeCall } from "../stores/with-timeout.js";

export interface RateLimitOptions {
  /** Requests allowed per key in each window. */
  limit: number;
  /** Window length in milliseconds (fixed windows). */
  windowMs: number;
  /**
   * The bucket a request counts against. Only as trustworthy as the proxy that sets the IP headers.
   * @default the source IP (`x-forwarded-for` first hop, `x-real-ip`, `cf-connecting-ip`), or "unknown"
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

/**
 * Fixed-window rate limit. Every limited response carries `RateLimit-Limit`, `RateLimit-Remaining`
 * and `RateLimit-Reset` (seconds); over the limit it answers 429 `RATE_LIMITED` with `Retry-After`.
 * A failing store answers 503 `STORE_UNAVAILABLE` (fail closed).
 *
 * @example
 * rateLimit({ limit: 100, windowMs: 60_000 })
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const limit = positiveInteger(options?.limit, "limit");
  const windowMs = positiveInteger(options.windowMs, "windowMs");
  const { key } = options;
  if (key !== undefined && typeof key !== "function") throw new TypeError("tollgate: rateLimit.key must be a function");
  const store = options.store ?? createMemoryRateLimitStore();
  const bucket = (ctx: RouteContext) => `${ctx.route}:${key ? key(ctx.request) : (ctx.sourceIp ?? "unknown")}`;
  return async function rateLimit(ctx, next) {
    const { count, resetAt } = await storeCall(() => store.hit(bucket(ctx), windowMs));
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
