import { fromBase64, timingSafeEqual, toBytes } from "../crypto/encoding.js";
import { type HmacKey, hmacSha256 } from "../crypto/hmac.js";
import { cachedKey, keyListCache } from "../crypto/key-cache.js";
import type { Middleware } from "../http/compose.js";
import type { HeaderReader } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { secretList } from "../http/secrets.js";
import { checkTimestamp, resolveNow, resolveWindow } from "../http/time-window.js";
import { type SignatureScheme, signature } from "../security/signature.js";
import type { VerifyOptions } from "../stripe/signature.js";

const UNIX_SECONDS = /^\d{1,15}$/;

/** The three Svix headers; `webhook-*` (Standard Webhooks) names are accepted as twins. */
export interface SvixHeaders {
  id: string;
  timestamp: number;
  signatures: Uint8Array[];
}

type HeaderSource = Headers | HeaderReader | Record<string, string | string[] | undefined>;

function header(source: HeaderSource, name: string): string | null {
  if (typeof (source as HeaderReader).get === "function") return (source as HeaderReader).get(name);
  const record = source as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === name) {
      const value = record[key];
      return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
    }
  }
  return null;
}

function present(value: string | null): value is string {
  return value !== null && value.trim() !== "";
}

/** Reads `svix-id`/`svix-timestamp`/`svix-signature` (or `webhook-*`), case-insensitively. */
export function parseSvixHeaders(source: HeaderSource): SvixHeaders {
  let id = header(source, "svix-id");
  let timestamp = header(source, "svix-timestamp");
  let signature = header(source, "svix-signature");
  if (!present(id) && !present(timestamp) && !present(signature)) {
    id = header(source, "webhook-id");
    timestamp = header(source, "webhook-timestamp");
    signature = header(source, "webhook-signature");
  }
  if (!present(id) || !present(timestamp) || !present(signature)) throw new TollgateError("MISSING_SIGNATURE");
  if (!UNIX_SECONDS.test(timestamp.trim())) throw new TollgateError("INVALID_SIGNATURE");
  const signatures: Uint8Array[] = [];
  for (const entry of signature.split(" ")) {
    const comma = entry.indexOf(",");
    if (comma === -1 || entry.slice(0, comma) !== "v1") continue;
    const bytes = fromBase64(entry.slice(comma + 1));
    if (bytes) signatures.push(bytes);
  }
  return { id: id.trim(), timestamp: Number(timestamp.trim()), signatures };
}

/** The HMAC key of a Svix secret: the base64 after `whsec_` (a secret without the prefix is decoded as base64 too). */
export function svixKey(secret: string): HmacKey {
  return cachedKey(`svix:${secret}`, () => {
    const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
    const bytes = fromBase64(encoded);
    if (bytes === null || bytes.length === 0) {
      throw new TollgateError("CONFIGURATION_ERROR", { cause: new Error("Svix webhook secret is not base64") });
    }
    return bytes;
  });
}

/** Computes the `v1` signature bytes Svix sends for `body`. */
export function svixSignatureBytes(
  secret: string,
  id: string,
  timestamp: number,
  body: Uint8Array,
): Promise<Uint8Array> {
  return hmacSha256(svixKey(secret), `${id}.${timestamp}.`, body);
}

/**
 * Verifies a Svix / Standard Webhooks delivery (Clerk, Resend, …) against the raw body exactly as
 * received: HMAC-SHA256 of `${id}.${timestamp}.${rawBody}` keyed with the base64-decoded secret,
 * compared in constant time against every `v1,` entry and every secret. The signature is checked
 * before the timestamp.
 *
 * Throws `TollgateError` with `MISSING_SIGNATURE`, `INVALID_SIGNATURE`, `TIMESTAMP_TOO_OLD`,
 * `TIMESTAMP_IN_FUTURE` or (no usable secret) `CONFIGURATION_ERROR`.
 *
 * @example
 * const { id } = await verifySvixSignature(rawBody, request.headers, process.env.CLERK_WEBHOOK_SECRET!);
 */
export async function verifySvixSignature(
  rawBody: string | Uint8Array,
  headers: HeaderSource,
  secrets: string | string[],
  options: VerifyOptions = {},
): Promise<{ id: string; timestamp: number }> {
  const window = resolveWindow(options, "options");
  const now = resolveNow(options.now);
  const verified = await matchSvixSignature(toBytes(rawBody), headers, secretList(secrets, "Svix webhook secret"));
  checkTimestamp(verified.timestamp, window, now);
  return verified;
}

const keysOf = keyListCache(svixKey);

/** Checks the signature alone (no window) against normalised secrets. */
async function matchSvixSignature(
  body: Uint8Array,
  headers: HeaderSource,
  secrets: readonly string[],
): Promise<{ id: string; timestamp: number }> {
  const keys = keysOf(secrets);
  const parsed = parseSvixHeaders(headers);
  const prefix = `${parsed.id}.${parsed.timestamp}.`;
  let matched = false;
  for (const key of keys) {
    const expected = await hmacSha256(key, prefix, body);
    // Check every candidate rather than stopping early, so timing says nothing about which one matched.
    for (const candidate of parsed.signatures) matched = timingSafeEqual(expected, candidate) || matched;
  }
  if (!matched) throw new TollgateError("INVALID_SIGNATURE");
  return { id: parsed.id, timestamp: parsed.timestamp };
}

/** The Svix / Standard Webhooks scheme for the `signature` layer; it reports the `svix-id` as the delivery id. */
export const svixScheme: SignatureScheme = {
  secretName: "Svix webhook secret",
  verify: (body, headers, secrets) => matchSvixSignature(body, headers, secrets),
};

/**
 * Verifies `svix-*` (or `webhook-*`) headers against the raw body; sets `ctx.state.deliveryId`.
 *
 * @example
 * compose([audit(), allowMethods(["POST"]), bodyLimit(), svixSignature({ secret: process.env.CLERK_WEBHOOK_SECRET }), timestampWindow()], endpoint);
 */
export function svixSignature(options: { secret: string | string[] | undefined }): Middleware {
  return signature({ scheme: svixScheme, secret: options?.secret });
}
