import type { Middleware } from "../http/compose.js";
import { TollgateError } from "../http/errors.js";
import { checkTimestamp, resolveWindow, type TimestampWindowOptions } from "../http/time-window.js";

export type { TimestampWindowOptions } from "../http/time-window.js";

/**
 * Refuses deliveries whose verified timestamp (`ctx.state.signedAt`, set by a signature layer) is
 * outside a two-sided window. Place it after the signature layer: the signature is checked first,
 * so a replay's audit entry says `signatureValid: true`.
 *
 * @example
 * compose([bodyLimit(), stripeSignature({ secret }), timestampWindow({ pastSeconds: 120 })], endpoint);
 */
export function timestampWindow(options: TimestampWindowOptions = {}): Middleware {
  const window = resolveWindow(options);
  // Not async: a layer that only checks hands on next()'s promise instead of wrapping it in another.
  return function timestampWindow(ctx, next) {
    const signedAt = ctx.state.signedAt;
    if (signedAt === undefined) {
      return Promise.reject(
        new TollgateError("CONFIGURATION_ERROR", { cause: new Error("timestampWindow runs before a signature layer") }),
      );
    }
    try {
      checkTimestamp(signedAt, window);
    } catch (error) {
      return Promise.reject(error);
    }
    return next();
  };
}
