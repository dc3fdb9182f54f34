/** At most this many status requests while finalizing… */
export const FINALIZE_MAX_REQUESTS = 8;
/** …all sent within this many milliseconds of the first. */
export const FINALIZE_WINDOW_MS = 30_000;
/** Waits between the requests: short at first (the confirmation is usually there at once), then steady. */
const DELAYS_MS = [1_000, 2_000, 3_000, 4_000, 5_000, 5_000, 5_000] as const;

/**
 * How long to wait before the next finalizing request, or `null` to give up. `sent` requests have
 * gone out, the first `elapsedMs` ago; `retryAfterMs` is the last 429's `Retry-After`, honoured
 * even when it is longer than the planned wait. The next request is never later than the window.
 */
export function nextFinalizeDelay(sent: number, elapsedMs: number, retryAfterMs?: number): number | null {
  if (sent >= FINALIZE_MAX_REQUESTS) return null;
  const planned = DELAYS_MS[Math.min(sent - 1, DELAYS_MS.length - 1)] ?? DELAYS_MS[0];
  const delay = Math.max(planned, retryAfterMs ?? 0);
  return elapsedMs + delay <= FINALIZE_WINDOW_MS ? delay : null;
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its day and month; `Date.parse` would also read "-3" as a year.
  const date = /^[A-Za-z]{3}, /.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
