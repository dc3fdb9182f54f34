import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";

// Static imports and re-exports, side-effect imports, dynamic import() and require(), each with a literal specifier.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'\n]+)["']/g;
// `Buffer` as a name of its own (not ArrayBuffer, not a property such as `.Buffer` or `xBuffer`).
const BUFFER = /(?<![\w$.])Buffer(?![\w$])/;

/** Every module specifier a piece of code imports, re-exports or requires (literal specifiers only). */
export function specifiers(code: string): string[] {
  return [...code.matchAll(SPECIFIER)].map((match) => match[1] ?? "");
}

/** True for `node:*` and every module Node ships (`crypto`, `fs/promises`, `buffer`, …). */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith("node:")) return true;
  return builtinModules.includes(specifier) || builtinModules.includes(specifier.split("/")[0] ?? "");
}

/** The Node built-ins a piece of code imports or requires (a literal specifier; `import(variable)` is not seen). */
export function nodeImports(code: string): string[] {
  return specifiers(code).filter(isNodeBuiltin);
}

/**
 * What in one file's text ties it to Node: imports of built-ins, and `Buffer` references. Strings are
 * not told apart from code, which is right for tollgate's own build (it has no reason to name Buffer)
 * but too strict for third-party bundles, whose error messages do.
 */
export function nodeDependencies(code: string): string[] {
  const found = nodeImports(code);
  if (BUFFER.test(code)) found.push("Buffer");
  return found;
}

/** The runtime files (.js, .cjs, .mjs) under `dir`, relative to it, skipping the folders named in `skip`. */
export function runtimeFiles(dir: string, skip: string[] = []): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(?:c|m)?js$/.test(file))
    .filter((file) => !skip.some((folder) => file === folder || file.startsWith(`${folder}/`)))
    .sort();
}

/** `file → what ties it to Node`, for every runtime file under `dir` that has anything. */
export function nodeDependenciesIn(dir: string, skip: string[] = []): Record<string, string[]> {
  const report: Record<string, string[]> = {};
  for (const file of runtimeFiles(dir, skip)) {
    const found = nodeDependencies(readFileSync(join(dir, file), "utf8"));
    if (found.length > 0) report[relative(dir, join(dir, file))] = found;
  }
  return report;
}
