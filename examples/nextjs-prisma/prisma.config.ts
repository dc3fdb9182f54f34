import { defineConfig } from "prisma/config";

// No datasource URL: this example never runs `prisma migrate` (scripts/setup-db.mjs applies the SQL
// files in prisma/migrations), and the app connects through @prisma/adapter-pg with DATABASE_URL.
export default defineConfig({ schema: "prisma/schema.prisma" });
