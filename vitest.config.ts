import { configDefaults, defineConfig } from "vitest/config";
import { nodeTwins } from "./test/support/node-twins.js";

export default defineConfig({
  plugins: [nodeTwins],
  // The examples' code under test imports these by name; once an example has node_modules of its
  // own (the e2e installs them) use the root's copy still, the one the tests' clients come from.
  resolve: { dedupe: ["drizzle-orm", "@prisma/client", "pg"] },
  test: {
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    // The slow suites run apart: `npm run test:runtimes` (workerd, Bun, Next.js edge), `npm run test:e2e` (the example apps).
    exclude: [...configDefaults.exclude, "test/runtimes/**/*.runtime.test.ts", "test/e2e/**"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Generates the Prisma example's client (gitignored) that test/examples imports.
    globalSetup: ["test/examples/prisma-generate.global-setup.ts"],
    // Captures the one-time notice of routes built without `auth`, so a green run stays quiet.
    setupFiles: ["test/support/capture-notices.ts"],
  },
});
