import { concatBytes } from "./encoding.js";

/** A secret key as bytes, with a stable id to cache the imported key under. */
export interface HmacKey {
  readonly id: string;
  readonly bytes: Uint8Array;
}

/** Which implementation is in use; the `node` export condition swaps this file for `hmac-node.ts`. */
export const HMAC_IMPLEMENTATION: "web-crypto" | "node-crypto" = "web-crypto";

const MAX_CACHED_KEYS = 64;
const imported = new Map<string, Promise<CryptoKey>>();

function importKey(key: HmacKey): Promise<CryptoKey> {
  let cryptoKey = imported.get(key.id);
  if (cryptoKey === undefined) {
    if (imported.size >= MAX_CACHED_KEYS) imported.clear();
    cryptoKey = crypto.subtle.importKey("raw", key.bytes as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    imported.set(key.id, cryptoKey);
    cryptoKey.catch(() => imported.delete(key.id));
  }
  return cryptoKey;
}

const encoder = new TextEncoder();

/**
 * HMAC-SHA256 of the UTF-8 bytes of `prefix` followed by `body` (the signing schemes sign
 * `${header fields}.${raw body}`), with Web Crypto (edge runtimes, browsers, Deno, Bun).
 */
export async function hmacSha256(key: HmacKey, prefix: string, body: Uint8Array): Promise<Uint8Array> {
  const message = concatBytes([encoder.encode(prefix), body]);
  const signature = await crypto.subtle.sign("HMAC", await importKey(key), message as BufferSource);
  return new Uint8Array(signature);
}
