// `npm run demo`: bundles demo.mjs with the Drizzle example's TypeScript adapters it imports (esbuild;
// packages stay external and load from node_modules), then runs it. No network, no database server.
import { build } from "esbuild";

const outfile = new URL("./demo.bundle.mjs", import.meta.url).pathname;
await build({
  entryPoints: [new URL("./demo.mjs", import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  // Not the root tsconfig: its paths point "tollgate" at src/ for the typecheck; the demo runs the build.
  tsconfigRaw: {},
  logLevel: "warning",
});
await import(outfile);
