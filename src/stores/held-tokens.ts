/** Claims one store instance remembers holding; beyond it the oldest token is forgotten (its lease still ends). */
const MAX_HELD = 10_000;

/**
 * The tokens of the claims one store instance holds: `release(key)` carries no token, so the store
 * remembers it, bounded so a flood of claims never completed cannot grow it without end.
 */
export function heldTokens() {
  const held = new Map<string, string>();
  return {
    hold(key: string, token: string) {
      held.delete(key);
      if (held.size >= MAX_HELD) held.delete(held.keys().next().value as string);
      held.set(key, token);
    },
    /** The token of `key`'s claim, forgotten as it is taken. */
    take(key: string): string | undefined {
      const token = held.get(key);
      held.delete(key);
      return token;
    },
  };
}
