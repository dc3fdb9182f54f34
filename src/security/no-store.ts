import type { Middleware } from "../http/compose.js";

/**
 * Sets `Cache-Control` on every response of the route, errors and 405s included: answers about
 * one user's account (a checkout URL, a portal URL, a subscription status) must never be cached by
 * a browser or a shared proxy.
 *
 * @example
 * compose([audit(), noStore(), allowMethods(["POST"])], endpoint);
 */
export function noStore(value = "no-store"): Middleware {
  return async function noStore(ctx, next) {
    ctx.responseHeaders.set("cache-control", value);
    return next();
  };
}
