import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// tollgate is installed from this repository (`file:../..`), a symlink outside this folder: let the
// bundler and the output tracing see the repository root.
const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  turbopack: { root: repositoryRoot },
  outputFileTracingRoot: repositoryRoot,
};

export default nextConfig;
