import type { Middleware } from "../http/compose.js";
import type { HeaderReader } from "../http/context.js";
import { isTollgateError, TollgateError } from "../http/errors.js";
import { assertSecretShape, secretList } from "../http/secrets.js";

/** A webhook signature scheme: how to verify a delivery's headers against its raw body. */
export interface SignatureScheme {
  /** How the secret is named in configuration errors, e.g. `"Stripe webhook secret"`. */
  secretName?: string;
  /**
   * Verifies `body` (the bytes exactly as received) and returns the signed unix-second timestamp and,
   * where the scheme has one, the delivery id. Must throw `TollgateError` (`MISSING_SIGNATURE`,
   * `INVALID_SIGNATURE`, `CONFIGURATION_ERROR`). It must not check the timestamp window: that is
   * the `timestampWindow` layer's job, after the signature.
   */
  verify(
    body: Uint8Array,
    headers: HeaderReader,
    secrets: readonly string[],
  ): Promise<{ timestamp: number; id?: string }>;
}

export interface SignatureOptions {
  scheme: SignatureScheme;
  /**
   * The signing secret(s). Several may be given during a rotation: a delivery signed with any of
   * them passes. Absent or empty → every request answers 500 `CONFIGURATION_ERROR` (checked per
   * request, so building without the env var works).
   */
  secret: string | string[] | undefined;
}

/** State the signature layer leaves for later layers. */
export interface SignatureState {
  /** The delivery id carried by the signature headers (Svix `svix-id`), when the scheme has one. */
  deliveryId?: string;
}

/**
 * Verifies the raw body read by `bodyLimit` against the request's signature headers, and records
 * `signatureValid` in the audit entry. Sets `ctx.state.signedAt` for `timestampWindow`.
 *
 * @example
 * compose([audit(), bodyLimit(), signature({ scheme: stripeScheme, secret }), timestampWindow()], endpoint);
 */
export function signature(options: SignatureOptions): Middleware<SignatureState> {
  if (typeof options?.scheme?.verify !== "function")
    throw new TypeError("tollgate: signature.scheme must have a verify function");
  assertSecretShape(options.secret, "secret");
  const { scheme, secret } = options;
  let secrets: readonly string[] | undefined; // normalised once, on the first request that has them
  return async function signature(ctx, next) {
    if (ctx.rawBody === undefined) {
      throw new TollgateError("CONFIGURATION_ERROR", {
        cause: new Error("signature runs before bodyLimit read the body"),
      });
    }
    secrets ??= Object.freeze(secretList(secret, scheme.secretName ?? "webhook secret"));
    try {
      const verified = await scheme.verify(ctx.rawBody, ctx.headers, secrets);
      ctx.state.signedAt = verified.timestamp;
      if (verified.id !== undefined) ctx.state.deliveryId = verified.id;
    } catch (error) {
      if (isTollgateError(error) && error.code !== "CONFIGURATION_ERROR") ctx.audit.signatureValid = false;
      throw error;
    }
    ctx.audit.signatureValid = true;
    // Awaited: resolving with next()'s promise itself would cost two more microtask hops.
    return await next();
  };
}
