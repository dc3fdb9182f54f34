import type * as Web from "../../src/crypto/hmac.js";
import * as node from "../../src/crypto/hmac-node.js";

export type HmacImplementation = "web" | "node";

/**
 * Which HMAC the mocked `src/crypto/hmac.js` delegates to, and how often each one ran. The build
 * swaps `hmac-node.ts` in under the `node` condition; tests swap it here, so the same tables drive
 * both through the real verifiers.
 */
export const hmacUnderTest = { impl: "web" as HmacImplementation, calls: { web: 0, node: 0 } };

/**
 * The module to return from `vi.mock("…/crypto/hmac.js", …)`:
 *
 * vi.mock("../crypto/hmac.js", async (importOriginal) => {
 *   const { switchingHmac } = await import("../../test/support/hmac-switch.js");
 *   return switchingHmac(await importOriginal());
 * });
 */
export function switchingHmac(web: typeof Web): typeof Web {
  return {
    ...web,
    hmacSha256: (key, prefix, body) => {
      hmacUnderTest.calls[hmacUnderTest.impl]++;
      return (hmacUnderTest.impl === "node" ? node : web).hmacSha256(key, prefix, body);
    },
  };
}
