/**
 * An object that is neither null nor an array: what a JSON object parses to, and what zod's object
 * schemas accept. The hand checks that run before those schemas share it, so they agree on it.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
