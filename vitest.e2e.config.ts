import { defineConfig } from "vitest/config";
import { nodeTwins } from "./test/support/node-twins.js";

// `npm run test:e2e`: the example apps built with `next build`, started with `next start` on 127.0.0.1
// and driven over HTTP, on PGlite and (with DATABASE_URL) on PostgreSQL. One file at a time on 2 cores.
export default defineConfig({
  plugins: [nodeTwins],
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 600_000,
  },
});
