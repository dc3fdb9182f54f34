import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes a plain SQL migration into drizzle/ from lib/db/schema.ts (no
// database needed); `npm run db:migrate` applies the ones not applied yet to DATABASE_URL.
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.ts",
  out: "./drizzle",
});
