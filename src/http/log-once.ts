import { LRUCache } from "lru-cache";

// (route, code, cause) triples already logged, per process. Bounded: a stream of distinct causes
// (there should be a handful) cannot grow it without limit.
const logged = new LRUCache<string, true>({ max: 1_000 });

/**
 * Logs a configuration failure's cause once per route and reason: a route whose secret is missing
 * answers every request with 500 `CONFIGURATION_ERROR`, and one line saying what to set is more use
 * than a stack trace per request. Returns whether this call logged.
 */
export function logConfigurationOnce(route: string, code: string, cause: unknown, requestId: string): boolean {
  const reason = cause instanceof Error ? cause.message : String(cause ?? "");
  const key = `${route}\u0000${code}\u0000${reason}`;
  if (logged.has(key)) return false;
  logged.set(key, true);
  console.error(
    `[tollgate] ${code} on route "${route}" (first seen in requestId=${requestId}; logged once, every request answers 500 until it is fixed): ${reason}`,
  );
  return true;
}

/** Forgets what was logged (tests that provoke the same failure in several cases). */
export function forgetLoggedConfiguration(): void {
  logged.clear();
}
