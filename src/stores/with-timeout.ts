import { TollgateError } from "../http/errors.js";

/** How long a store call may take before the request answers 503 `STORE_UNAVAILABLE`. */
export const STORE_TIMEOUT_MS = 5_000;

/** How often pending store calls are checked against their deadline. */
const SWEEP_MS = 250;

interface Pending {
  deadline: number;
  fail(cause: Error): void;
}

// One coarse sweep for every pending call instead of a timer per call: a webhook makes two or three
// store calls, and arming and clearing a timer for each costs more than the memory store itself.
const pending = new Set<Pending>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweep(): void {
  const now = Date.now();
  for (const call of pending) {
    if (call.deadline <= now) {
      pending.delete(call);
      call.fail(new Error("store call timed out"));
    }
  }
  if (pending.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function watch(call: Pending): void {
  pending.add(call);
  if (sweeper === undefined) {
    sweeper = setInterval(sweep, SWEEP_MS);
    (sweeper as { unref?: () => void }).unref?.();
  }
}

/**
 * Runs a store call; a throw, a rejection or a call slower than `timeoutMs` (checked every 250 ms)
 * becomes `STORE_UNAVAILABLE`, so the sender retries later instead of the event being processed
 * unguarded. `onLate` receives the result of a call that succeeded after it timed out (e.g. a
 * claim to release: nobody will ever complete it).
 */
export function storeCall<T>(
  call: () => Promise<T>,
  timeoutMs = STORE_TIMEOUT_MS,
  onLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const fail = (cause: unknown) => reject(new TollgateError("STORE_UNAVAILABLE", { cause }));
    const entry: Pending = {
      deadline: Date.now() + timeoutMs,
      fail: (cause) => {
        timedOut = true;
        fail(cause);
      },
    };
    let result: Promise<T>;
    try {
      result = call();
    } catch (error) {
      fail(error);
      return;
    }
    watch(entry);
    Promise.resolve(result).then(
      (value) => {
        pending.delete(entry);
        if (timedOut) onLate?.(value);
        else resolve(value);
      },
      (error) => {
        pending.delete(entry);
        fail(error);
      },
    );
  });
}
