import type { Middleware } from "../http/compose.js";

export interface BodyLimitOptions {
  /**
   * Largest accepted body, in bytes. Larger requests answer 413 `PAYLOAD_TOO_LARGE` without being
   * read further, which bounds the memory one request can take.
   * @default 1_048_576 (1 MiB, webhook routes); the JSON routes use 16 KiB
   */
  maxBytes?: number;
}

/** 1 MiB: Stripe and Svix payloads are far smaller; larger is an attack or a mistake. */
export const WEBHOOK_BODY_LIMIT = 1_048_576;
/** 16 KiB: enough for any checkout or portal request body. */
export const JSON_BODY_LIMIT = 16_384;

export function resolveMaxBytes(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError("tollgate: maxBodyBytes must be a non-negative integer");
  return value;
}

/**
 * Reads the raw body exactly once, as bytes, refusing anything over `maxBytes` with 413. Later
 * layers verify and parse `ctx.rawBody`; nothing re-serialises it.
 *
 * @example
 * compose([bodyLimit({ maxBytes: 64 * 1024 }), signature(…)], endpoint);
 */
export function bodyLimit(options: BodyLimitOptions = {}): Middleware {
  const maxBytes = resolveMaxBytes(options.maxBytes, WEBHOOK_BODY_LIMIT);
  return async function bodyLimit(ctx, next) {
    ctx.rawBody ??= await ctx.readBody(maxBytes);
    return next();
  };
}
