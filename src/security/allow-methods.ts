import type { Middleware } from "../http/compose.js";
import { TollgateError } from "../http/errors.js";

/**
 * Answers 405 `METHOD_NOT_ALLOWED`, with an `Allow` header, to any method not listed.
 *
 * @example
 * compose([allowMethods(["POST"]), …], endpoint);
 */
export function allowMethods(methods: readonly string[]): Middleware {
  if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === "string")) {
    throw new TypeError("tollgate: allowMethods needs a non-empty array of method names");
  }
  const allowed = Object.freeze(methods.map((method) => method.toUpperCase()));
  const allowHeader = allowed.join(", ");
  // Not async: a layer that only checks hands on next()'s promise instead of wrapping it in another.
  return function allowMethods(ctx, next) {
    if (!allowed.includes(ctx.method)) {
      ctx.responseHeaders.set("allow", allowHeader);
      return Promise.reject(new TollgateError("METHOD_NOT_ALLOWED"));
    }
    return next();
  };
}
