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

/**
 * HMAC-SHA256 of the UTF-8 bytes of `prefix` followed by `body`, with node:crypto (synchronous
 * underneath). The prefix goes in as a string: encoding a few bytes with `TextEncoder` first cost
 * a quarter of the whole HMAC.
 */
export function hmacSha256(key: HmacKey, prefix: string, body: Uint8Array): Promise<Uint8Array> {
  return Promise.resolve(createHmac("sha256", keyObject(key)).update(prefix, "utf8").update(body).digest());
}
