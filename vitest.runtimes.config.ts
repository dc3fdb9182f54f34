import { defineConfig } from "vitest/config";

// `npm run test:runtimes`: the webhook routes, from the built package (dist/), in workerd (miniflare),
// Bun and a Next.js edge route. Each suite starts a real server on 127.0.0.1; run one at a time on 2 cores.
export default defineConfig({
  test: {
    include: ["test/runtimes/**/*.runtime.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 300_000,
  },
});
