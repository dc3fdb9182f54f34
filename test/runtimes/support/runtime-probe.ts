import { spawnSync } from "node:child_process";

/**
 * Runs `binary --version`. Returns the version, or the exact reason the runtime cannot run here, which
 * the suite prints as its skip line: a runtime missing from this platform is skipped, never a failure.
 */
export function probeRuntime(name: string, binary: string): { version?: string; skip?: string } {
  const result = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000 });
  const reason =
    result.error?.message ?? (result.status === 0 ? undefined : `exit ${result.status}: ${result.stderr.trim()}`);
  if (reason === undefined) return { version: result.stdout.trim() };
  const skip = `[tollgate] runtime matrix: ${name} skipped: ${binary} --version failed: ${reason}`;
  console.warn(skip);
  return { skip };
}
