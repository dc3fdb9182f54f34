import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// tollgate is installed from this repository (`file:../..`), a symlink outside this folder: let the
// bundler and the output tracing see the repository root.
const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  // `export const runtime = "edge"` (what this example shows) is refused under `cacheComponents: true`,
  // create-next-app's default since Next.js 16: Cache Components run on the Node.js runtime only. An app
  // that wants edge route files turns it off, as here; with it on, the same handlers run on Node.js
  // (see the other examples) or on a real edge platform (docs/runtimes.md).
  cacheComponents: false,
  turbopack: { root: repositoryRoot },
  outputFileTracingRoot: repositoryRoot,
};

export default nextConfig;
