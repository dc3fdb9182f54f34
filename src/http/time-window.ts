import { TollgateError } from "./errors.js";

export interface TimestampWindowOptions {
  /**
   * How old, in seconds, a signed timestamp may be. Older deliveries are refused as replays
   * (`TIMESTAMP_TOO_OLD`). The edge is inclusive.
   * @default 300
   */
  pastSeconds?: number;
  /**
   * How far ahead of this server's clock, in seconds, a signed timestamp may be (clock skew).
   * Further ahead is refused (`TIMESTAMP_IN_FUTURE`), so a signature cannot be pre-made for later use.
   * The edge is inclusive.
   * @default 60
   */
  futureSeconds?: number;
}

export interface ResolvedWindow {
  readonly pastSeconds: number;
  readonly futureSeconds: number;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new TypeError(`tollgate: ${name} must be a non-negative number of seconds`);
  }
  return value;
}

/** Checks window options once and fills in the defaults (300 s past, 60 s future). */
export function resolveWindow(options: TimestampWindowOptions = {}, prefix = "timestampWindow"): ResolvedWindow {
  if (typeof options !== "object" || options === null) throw new TypeError(`tollgate: ${prefix} must be an object`);
  return Object.freeze({
    pastSeconds: nonNegative(options.pastSeconds, 300, `${prefix}.pastSeconds`),
    futureSeconds: nonNegative(options.futureSeconds, 60, `${prefix}.futureSeconds`),
  });
}

/** Checks a verifier's `now` option: a finite number of milliseconds (`NaN` would disable the window). */
export function resolveNow(now: unknown): number {
  if (now === undefined) return Date.now();
  if (typeof now !== "number" || !Number.isFinite(now)) {
    throw new TypeError("tollgate: options.now must be a finite number of milliseconds");
  }
  return now;
}

/**
 * Throws `TIMESTAMP_TOO_OLD` / `TIMESTAMP_IN_FUTURE` when `signedAt` (unix seconds) lies outside
 * the window around `nowMs`. Seconds are compared whole, as Stripe and Svix do.
 */
export function checkTimestamp(signedAt: number, window: ResolvedWindow, nowMs: number = Date.now()): void {
  const age = Math.floor(nowMs / 1000) - signedAt;
  if (age > window.pastSeconds) throw new TollgateError("TIMESTAMP_TOO_OLD");
  if (-age > window.futureSeconds) throw new TollgateError("TIMESTAMP_IN_FUTURE");
}
