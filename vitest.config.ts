import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  // The examples' code under test imports these by name; once an example has node_modules of its
  // own (the e2e installs them) use the root's copy still, the one the tests' clients come from.
  resolve: { dedupe: ["drizzle-orm", "@prisma/client", "pg"] },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The slow runtime suites (workerd, Bun, Next.js edge) run with `npm run test:runtimes`.
    exclude: [...configDefaults.exclude, "test/runtimes/**/*.runtime.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Generates the Prisma example's client (gitignored) that test/examples imports.
    globalSetup: ["test/examples/prisma-generate.global-setup.ts"],
  },
});
