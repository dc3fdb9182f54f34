import type { Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { reportError } from "../http/report-error.js";
import { answer } from "../http/response.js";
import { createMemoryIdempotencyStore, inProcessOf } from "../stores/memory-idempotency.js";
import type { IdempotencyStore } from "../stores/types.js";
import { STORE_TIMEOUT_MS, storeCall } from "../stores/with-timeout.js";

export interface IdempotencyOptions {
  /**
   * Where claims and completed ids live. The default remembers them in this process only; with
   * several instances use a Redis or database store so a redelivery to another instance is caught.
   * @default createMemoryIdempotencyStore() (LRU, 10 000 ids)
   */
  store?: IdempotencyStore;
  /**
   * How long, in milliseconds, a processed event id answers as a duplicate. Stripe retries for up to
   * three days and Svix for about a day; a durable store (your database) covers those, the memory
   * default covers bursts of concurrent and quick re-deliveries.
   * @default 300_000 (5 minutes)
   */
  ttlMs?: number;
  /**
   * How long, in milliseconds, a claim blocks concurrent deliveries of the same id (409
   * `EVENT_IN_FLIGHT`). If the request that holds it dies, the event can be processed again after this.
   * Make it longer than your slowest handler.
   * @default 60_000
   */
  leaseMs?: number;
  /**
   * Milliseconds each store call (claim, complete, release) may take; a slower or failing store
   * answers 503 `STORE_UNAVAILABLE` so the sender retries, and a claim that lands after its call
   * timed out is released. A positive integer.
   * @default 5_000
   */
  timeoutMs?: number;
  /** The id to claim. @default `ctx.state.idempotencyKey`, set by the event payload layer */
  key?: (ctx: RouteContext) => string | undefined;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`tollgate: idempotency.${name} must be a positive number of milliseconds`);
  }
  return value;
}

/**
 * Claim → process → complete. A completed id answers 200 `{ received: true, duplicate: true }`
 * without running the handler; an id being processed right now answers 409 `EVENT_IN_FLIGHT`. The
 * claim is completed only when the handler answered 2xx, and released otherwise (thrown error or
 * non-2xx), so the sender's retry is processed. A failing store answers 503 `STORE_UNAVAILABLE`.
 * A `complete` that fails leaves the 200 but marks the audit entry `level: "warn"`,
 * `warning: "COMPLETE_FAILED"` (its cause goes to `onError`).
 *
 * @example
 * compose([…, eventPayload(…), idempotency({ ttlMs: 600_000 })], endpoint);
 */
export function idempotency(options: IdempotencyOptions = {}): Middleware {
  const store = options.store ?? createMemoryIdempotencyStore();
  const ttlMs = positive(options.ttlMs, 300_000, "ttlMs");
  const leaseMs = positive(options.leaseMs, 60_000, "leaseMs");
  const keyOf = options.key ?? ((ctx: RouteContext) => ctx.state.idempotencyKey);
  const timeoutMs = options.timeoutMs ?? STORE_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new TypeError("tollgate: idempotency.timeoutMs must be a positive integer number of milliseconds");
  }
  return async function idempotency(ctx, next) {
    const key = keyOf(ctx);
    if (!key)
      throw new TollgateError("CONFIGURATION_ERROR", {
        cause: new Error("idempotency runs before the event id is known"),
      });
    // The built-in memory store is called directly: nothing in it waits, so a timed store call
    // (promises and a deadline) would only add cost.
    const local = inProcessOf(store);
    const claim =
      local !== undefined
        ? inProcess(() => local.claim(key, leaseMs))
        : // A claim that lands after the timeout answered 503 belongs to nobody: free it for the retry.
          await storeCall(
            () => store.claim(key, leaseMs),
            timeoutMs,
            (late) => {
              if (late === "claimed") void storeCall(() => store.release(key), timeoutMs).catch(() => {});
            },
          );
    if (claim === "duplicate") {
      ctx.audit.outcome = "duplicate";
      return answer({ received: true, duplicate: true });
    }
    if (claim === "in-flight") throw new TollgateError("EVENT_IN_FLIGHT");
    const leaseEnd = Date.now() + leaseMs;
    let response: Response;
    try {
      response = await next();
    } catch (error) {
      await release(store, key, leaseEnd, timeoutMs);
      throw error;
    }
    if (response.ok) {
      // The work is done: a failed write of the marker must not turn success into a retry that repeats it.
      // The entry says so (a redelivery may be processed again) and the cause goes to onError.
      try {
        if (local !== undefined && inProcessOf(store) === local) inProcess(() => local.complete(key, ttlMs));
        else await storeCall(() => store.complete(key, ttlMs), timeoutMs);
      } catch (error) {
        ctx.audit.level = "warn";
        ctx.audit.warning = "COMPLETE_FAILED";
        reportError(ctx, error, "COMPLETE_FAILED");
      }
    } else {
      await release(store, key, leaseEnd, timeoutMs);
    }
    return response;
  };
}

/** A synchronous store operation, failing as a timed call would: `STORE_UNAVAILABLE`. */
function inProcess<T>(operation: () => T): T {
  try {
    return operation();
  } catch (cause) {
    throw new TollgateError("STORE_UNAVAILABLE", { cause });
  }
}

async function release(store: IdempotencyStore, key: string, leaseEnd: number, timeoutMs: number): Promise<void> {
  // A claim whose lease ran out may belong to another request by now (a redelivery claimed it while
  // this one was still running): releasing by key would free that claim and let a third copy run. An
  // expired claim is claimable anyway, so there is nothing of ours left to release.
  if (Date.now() >= leaseEnd) return;
  // If release fails the lease still expires, after which the retry is processed.
  const local = inProcessOf(store);
  if (local !== undefined) {
    try {
      local.release(key);
    } catch {
      // As below: the lease expires.
    }
    return;
  }
  await storeCall(() => store.release(key), timeoutMs).catch(() => {});
}
