import type { HmacKey } from "./hmac.js";

const MAX_KEYS = 64;
const keys = new Map<string, HmacKey>();

/**
 * The HMAC key for `id`, derived once by `derive` and reused: a webhook route verifies with the same
 * few secrets on every request, so encoding or base64-decoding them each time is wasted work.
 */
export function cachedKey(id: string, derive: () => Uint8Array): HmacKey {
  let key = keys.get(id);
  if (key === undefined) {
    const bytes = derive();
    if (keys.size >= MAX_KEYS) keys.clear();
    key = { id, bytes };
    keys.set(id, key);
  }
  return key;
}
