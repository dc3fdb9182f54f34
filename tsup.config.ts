import { resolve } from "node:path";
import { defineConfig, type Options } from "tsup";

const entry = { index: "src/index.ts", security: "src/security.ts", testing: "src/testing.ts", node: "src/node.ts" };

const shared: Options = {
  entry,
  format: ["esm", "cjs"],
  target: "es2022",
  platform: "neutral",
  splitting: true,
  treeshake: true,
  sourcemap: true,
  // Loaded lazily, only by the code that calls the Stripe API.
  external: ["stripe", "lru-cache", "zod"],
  removeNodeProtocol: false,
};

/**
 * Files the build served under the `node` condition swaps for their Node twin: the Web Crypto HMAC for
 * the node:crypto one, and the Stripe stand-in's "needs Node" stub for its node:http server (the tests
 * swap that one too: test/support/node-twins.ts).
 */
export const nodeSwaps: Record<string, string> = {
  "crypto/hmac.js": "src/crypto/hmac-node.ts",
  "stripe-stand-in/listen.js": "src/testing/stripe-stand-in/listen-node.ts",
};

const nodeTwins = {
  name: "tollgate-node-twins",
  setup(build: {
    onResolve: (
      o: { filter: RegExp },
      cb: (a: { path: string; resolveDir: string }) => { path: string } | undefined,
    ) => void;
  }) {
    build.onResolve({ filter: /(^|\/)(hmac|listen)\.js$/ }, ({ path, resolveDir }) => {
      const full = resolve(resolveDir, path).replaceAll("\\", "/");
      const twin = Object.entries(nodeSwaps).find(([file]) => full.endsWith(`/${file}`));
      return twin ? { path: resolve(twin[1]) } : undefined;
    });
  },
};

export default defineConfig([
  // Web build (edge runtimes, browsers, Deno, Bun, Workers): Web Crypto only, no Node built-ins.
  // It also writes the declarations of `tollgate/react` (its own declaration pass would race this one's clean).
  { ...shared, outDir: "dist", dts: { entry: { ...entry, react: "src/react.ts" } }, clean: true },
  // Node build, selected by the `node` export condition: node:crypto HMACs, the stand-in's HTTP server.
  {
    ...shared,
    outDir: "dist/node",
    platform: "node",
    target: "node20",
    dts: false,
    clean: false,
    esbuildPlugins: [nodeTwins],
  },
  // `tollgate/react`, the client half: one file per format, React left to the app, and the
  // `"use client"` directive kept on top (Rollup's tree-shaking pass would drop it).
  {
    entry: { react: "src/react.ts" },
    format: ["esm", "cjs"],
    target: "es2022",
    platform: "browser",
    outDir: "dist",
    dts: false,
    clean: false,
    splitting: false,
    treeshake: false,
    sourcemap: true,
    external: ["react", "react/jsx-runtime"],
  },
]);
