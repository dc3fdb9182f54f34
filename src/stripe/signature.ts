import { equalsHex, toBytes } from "../crypto/encoding.js";
import { type HmacKey, hmacSha256 } from "../crypto/hmac.js";
import { cachedKey, keyListCache } from "../crypto/key-cache.js";
import type { Middleware } from "../http/compose.js";
import { TollgateError } from "../http/errors.js";
import { secretList } from "../http/secrets.js";
import { checkTimestamp, resolveNow, resolveWindow } from "../http/time-window.js";
import { type SignatureScheme, signature } from "../security/signature.js";

/** Options of the signature verifiers. */
export interface VerifyOptions {
  /** Seconds a signed timestamp may be old. @default 300 */
  pastSeconds?: number;
  /** Seconds a signed timestamp may be ahead of the clock. @default 60 */
  futureSeconds?: number;
  /**
   * The current time in milliseconds since the epoch; anything but a finite number is a
   * `TypeError` (`NaN` would disable the window).
   * @default Date.now()
   */
  now?: number;
}

interface StripeHeader {
  timestamp: number;
  /** The `v1` signatures that have the length of one (64 hex digits), as sent. */
  signatures: string[];
}

const encoder = new TextEncoder();
const UNIX_SECONDS = /^\d{1,15}$/;

/** Parses `t=…,v1=…,v1=…` (other schemes such as `v0` are ignored). */
export function parseStripeHeader(header: string | null | undefined): StripeHeader {
  if (header === null || header === undefined || header.trim() === "") throw new TollgateError("MISSING_SIGNATURE");
  let t: string | undefined;
  let timestamps = 0;
  let v1Count = 0;
  const signatures: string[] = [];
  // Walks the comma-separated `key=value` items in place (no split into an array of items).
  for (let start = 0; start <= header.length; ) {
    let end = header.indexOf(",", start);
    if (end === -1) end = header.length;
    const separator = header.indexOf("=", start);
    if (separator !== -1 && separator < end) {
      const key = header.slice(start, separator).trim();
      if (key === "t") {
        timestamps++;
        t = header.slice(separator + 1, end).trim();
      } else if (key === "v1") {
        v1Count++;
        const value = header.slice(separator + 1, end).trim();
        if (value.length === 64) signatures.push(value);
      }
    }
    start = end + 1;
  }
  if (timestamps !== 1 || t === undefined || !UNIX_SECONDS.test(t) || v1Count === 0) {
    throw new TollgateError("INVALID_SIGNATURE");
  }
  return { timestamp: Number(t), signatures };
}

function stripeKey(secret: string): HmacKey {
  return cachedKey(`stripe:${secret}`, () => encoder.encode(secret));
}

/** Computes the `v1` signature bytes Stripe sends for `body` at unix second `timestamp`. */
export function stripeSignatureBytes(secret: string, timestamp: number, body: Uint8Array): Promise<Uint8Array> {
  return hmacSha256(stripeKey(secret), `${timestamp}.`, body);
}

/**
 * Verifies a `stripe-signature` header against the raw body exactly as received: HMAC-SHA256 of
 * `${t}.${rawBody}` keyed with the whole `whsec_…` string, compared in constant time against every
 * `v1=` entry and every secret (rotation). The signature is checked before the timestamp.
 *
 * Throws `TollgateError` with `MISSING_SIGNATURE`, `INVALID_SIGNATURE`, `TIMESTAMP_TOO_OLD`,
 * `TIMESTAMP_IN_FUTURE` or (no usable secret) `CONFIGURATION_ERROR`.
 *
 * @example
 * const { timestamp } = await verifyStripeSignature(await request.text(), request.headers.get("stripe-signature"), secret);
 */
export async function verifyStripeSignature(
  rawBody: string | Uint8Array,
  header: string | null,
  secrets: string | string[],
  options: VerifyOptions = {},
): Promise<{ timestamp: number }> {
  const window = resolveWindow(options, "options");
  const now = resolveNow(options.now);
  const { timestamp } = await matchStripeSignature(
    toBytes(rawBody),
    header,
    secretList(secrets, "Stripe webhook secret"),
  );
  checkTimestamp(timestamp, window, now);
  return { timestamp };
}

const keysOf = keyListCache(stripeKey);

/** Checks the signature alone (no window) against normalised secrets; returns the signed timestamp. */
async function matchStripeSignature(
  body: Uint8Array,
  header: string | null,
  secrets: readonly string[],
): Promise<{ timestamp: number }> {
  const parsed = parseStripeHeader(header);
  const prefix = `${parsed.timestamp}.`;
  let matched = false;
  for (const key of keysOf(secrets)) {
    const expected = await hmacSha256(key, prefix, body);
    // Check every candidate rather than stopping early, so timing says nothing about which one matched.
    for (const candidate of parsed.signatures) matched = equalsHex(expected, candidate) || matched;
  }
  if (!matched) throw new TollgateError("INVALID_SIGNATURE");
  return { timestamp: parsed.timestamp };
}

/** The Stripe scheme for the `signature` layer (the window is left to `timestampWindow`). */
export const stripeScheme: SignatureScheme = {
  secretName: "Stripe webhook secret",
  verify: (body, headers, secrets) => matchStripeSignature(body, headers.get("stripe-signature"), secrets),
};

/**
 * Verifies `stripe-signature` against the raw body.
 *
 * @example
 * compose([audit(), allowMethods(["POST"]), bodyLimit(), stripeSignature({ secret: process.env.STRIPE_WEBHOOK_SECRET }), timestampWindow()], endpoint);
 */
export function stripeSignature(options: { secret: string | string[] | undefined }): Middleware {
  return signature({ scheme: stripeScheme, secret: options?.secret });
}
