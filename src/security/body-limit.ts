import { BODY_SETTINGS, type BodySettings, resolveBodyTimeout } from "../http/body.js";
import type { Middleware } from "../http/compose.js";

export interface BodyLimitOptions {
  /**
   * Largest accepted body, in bytes, counted as it arrives (a `content-length` header can refuse
   * early but never replaces the count). Larger requests answer 413 `PAYLOAD_TOO_LARGE` without
   * being read further, which bounds the memory one request can take.
   * @default 1_048_576 (1 MiB, webhook routes); the JSON routes use 16 KiB
   */
  maxBytes?: number;
  /**
   * Milliseconds the whole body may take to arrive, from the first read; a slower (stalled) upload
   * answers 408 `REQUEST_TIMEOUT` instead of holding a socket and a handler. A positive integer.
   * @default 10_000
   */
  timeoutMs?: number;
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
 * Reads the raw body exactly once, as bytes, refusing anything over `maxBytes` with 413 and a body
 * slower than `timeoutMs` with 408. Later layers verify and parse `ctx.rawBody`; nothing
 * re-serialises it. `compose` also applies these limits to a body read through `ctx.request` by a
 * layer that runs earlier.
 *
 * @example
 * compose([bodyLimit({ maxBytes: 64 * 1024, timeoutMs: 5_000 }), signature(…)], endpoint);
 */
export function bodyLimit(options: BodyLimitOptions = {}): Middleware {
  const maxBytes = resolveMaxBytes(options.maxBytes, WEBHOOK_BODY_LIMIT);
  const settings: BodySettings = Object.freeze({ maxBytes, timeoutMs: resolveBodyTimeout(options.timeoutMs) });
  const layer: Middleware = async function bodyLimit(ctx, next) {
    ctx.rawBody ??= await ctx.readBody(maxBytes);
    return next();
  };
  return Object.assign(layer, { [BODY_SETTINGS]: settings });
}
