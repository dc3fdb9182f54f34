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

/** Swaps the Web Crypto HMAC for the node:crypto one in the build served under the `node` condition. */
const nodeCrypto = {
  name: "tollgate-node-crypto",
  setup(build: {
    onResolve: (o: { filter: RegExp }, cb: (a: { path: string; resolveDir: string }) => { path: string }) => void;
  }) {
    const nodeHmac = resolve("src/crypto/hmac-node.ts");
    build.onResolve({ filter: /(^|\/)hmac\.js$/ }, () => ({ path: nodeHmac }));
  },
};

export default defineConfig([
  // Web build (edge runtimes, browsers, Deno, Bun, Workers): Web Crypto only, no Node built-ins.
  // It also writes the declarations of `tollgate/react` (its own declaration pass would race this one's clean).
  { ...shared, outDir: "dist", dts: { entry: { ...entry, react: "src/react.ts" } }, clean: true },
  // Node build, selected by the `node` export condition: node:crypto HMACs.
  {
    ...shared,
    outDir: "dist/node",
    platform: "node",
    target: "node20",
    dts: false,
    clean: false,
    esbuildPlugins: [nodeCrypto],
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
