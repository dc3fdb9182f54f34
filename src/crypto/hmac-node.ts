import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import type { HmacKey } from "./hmac.js";

export type { HmacKey } from "./hmac.js";

/** Which implementation is in use; see `hmac.ts`. */
export const HMAC_IMPLEMENTATION: "web-crypto" | "node-crypto" = "node-crypto";

const MAX_CACHED_KEYS = 64;
const keys = new Map<string, KeyObject>();

function keyObject(key: HmacKey): KeyObject {
  let object = keys.get(key.id);
  if (object === undefined) {
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    object = createSecretKey(key.bytes);
    keys.set(key.id, object);
  }
  return object;
}

/** HMAC-SHA256 over the concatenation of `parts`, with node:crypto (synchronous underneath). */
export async function hmacSha256(key: HmacKey, parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const hmac = createHmac("sha256", keyObject(key));
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}
