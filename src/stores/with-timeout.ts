import { TollgateError } from "../http/errors.js";

/** How long a store call may take before the request answers 503 `STORE_UNAVAILABLE`. */
export const STORE_TIMEOUT_MS = 5_000;

/**
 * Runs a store call; a throw, a rejection or a call slower than `timeoutMs` becomes
 * `STORE_UNAVAILABLE`, so the sender retries later instead of the event being processed unguarded.
 */
export async function storeCall<T>(call: () => Promise<T>, timeoutMs = STORE_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(call),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`store call timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new TollgateError("STORE_UNAVAILABLE", { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
