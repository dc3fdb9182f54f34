import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// tollgate is installed from this repository (`file:../..`), a symlink outside this folder: let the
// bundler and the output tracing see the repository root.
const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

const nextConfig: NextConfig = {
  // create-next-app's default since Next.js 16: the route files carry no `runtime`/`dynamic` exports,
  // which this mode refuses (route handlers that read the request run per request anyway).
  cacheComponents: true,
  partialPrefetching: true,
  // @prisma/client (the query compiler, loaded at run time) and pg are external by default; so is
  // the driver adapter here, so the generated client and the adapter share one @prisma/client.
  serverExternalPackages: ["@prisma/adapter-pg"],
  turbopack: { root: repositoryRoot },
  outputFileTracingRoot: repositoryRoot,
};

export default nextConfig;
