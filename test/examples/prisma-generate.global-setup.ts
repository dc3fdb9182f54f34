import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The Prisma example's client is generated code (gitignored). The root tests import the example's
// adapters, so generate it here with the root's `prisma` devDependency when it is missing or older
// than the schema. The example's own script sets PRISMA_SCHEMA_ENGINE_BINARY so nothing is downloaded.
const example = fileURLToPath(new URL("../../examples/nextjs-prisma/", import.meta.url));

function modified(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export function setup(): void {
  if (modified(`${example}generated/prisma/client.ts`) > modified(`${example}prisma/schema.prisma`)) return;
  const result = spawnSync(process.execPath, [`${example}scripts/generate.mjs`], { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`prisma generate failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}
