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

/**
 * The keys of a secrets list, cached per list: a route normalises its secrets once into a frozen
 * array, so each request finds its keys with one lookup instead of deriving a cache id per secret.
 * A list that is built per call (the standalone verifiers) simply misses, and is collected.
 */
export function keyListCache(keyOf: (secret: string) => HmacKey): (secrets: readonly string[]) => HmacKey[] {
  const lists = new WeakMap<readonly string[], HmacKey[]>();
  return (secrets) => {
    let keys = lists.get(secrets);
    if (keys === undefined) {
      keys = secrets.map((secret) => keyOf(secret));
      lists.set(secrets, keys);
    }
    return keys;
  };
}
