import { fileURLToPath } from "node:url";

const listenNode = fileURLToPath(new URL("../../src/testing/stripe-stand-in/listen-node.ts", import.meta.url));

/**
 * Vite plugin for the tests: `startStripeStandIn` (src/testing/stripe-stand-in/start.ts) gets the
 * node:http server, as the package's Node build gives it (tsup.config.ts `nodeSwaps`); the Web stub
 * stays importable by its own test.
 */
export const nodeTwins = {
  name: "tollgate-node-twins",
  enforce: "pre" as const,
  resolveId(source: string, importer: string | undefined) {
    if (source === "./listen.js" && importer && /stripe-stand-in[\\/]start\.ts$/.test(importer)) return listenNode;
    return undefined;
  },
};
