import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Every ```ts / ```tsx block of README.md and docs/**/*.md is compiled, as its own module, against
// the package's types (src/, through the same specifiers a user writes) with the compiler settings of
// a create-next-app project. A page added to docs/ is picked up without touching this file.
//
// What a snippet imports resolves to what a user has:
//   tollgate, tollgate/*, npm:tollgate   → this package
//   @clerk/nextjs/server, @clerk/nextjs  → stubs with Clerk's signatures (test/docs/stubs)
//   @/auth                               → Auth.js v5's `auth()` (stub)
//   next/navigation                      → a stub with Next.js's signatures (next is not a root dependency)
//   @/lib/db, @/lib/db/*                 → the Drizzle example's adapter (examples/nextjs-drizzle/lib/db):
//                                          the `db` the docs call is that file, as the user copies it
//   @/lib/*                              → examples/nextjs-drizzle/lib/*, then examples/nextjs-prisma/lib/*
//   @/generated/*                        → the Prisma example's generated client
//   @upstash/redis                       → a stub with Upstash's signatures (not installed here)
//   anything else                        → this repository's node_modules (stripe, hono, drizzle-orm, …)
//   the Bun and Deno globals             → stubs with their signatures (test/docs/stubs/runtime-globals.d.ts)
// A block whose fence says ```ts nocheck is shown but not compiled: keep those for shapes that are
// not code (there should be almost none).

const root = fileURLToPath(new URL("../../", import.meta.url));

function markdownPages(): string[] {
  const pages = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) pages.push(path);
    }
  };
  walk("docs");
  return pages.sort();
}

interface Snippet {
  page: string;
  line: number;
  lang: "ts" | "tsx";
  code: string;
}

function snippetsOf(page: string): Snippet[] {
  const text = readFileSync(join(root, page), "utf8");
  const snippets: Snippet[] = [];
  const fence = /^```(tsx|typescript|ts)([^\n]*)\n([\s\S]*?)^```/gm;
  for (const match of text.matchAll(fence)) {
    if (/\bnocheck\b/.test(match[2] ?? "")) continue;
    const line = text.slice(0, match.index).split("\n").length;
    snippets.push({ page, line, lang: match[1] === "tsx" ? "tsx" : "ts", code: match[3] ?? "" });
  }
  return snippets;
}

const pages = markdownPages();
const snippets = pages.flatMap(snippetsOf);

const dir = mkdtempSync(join(root, "node_modules/.tollgate-snippets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile(): { errors: Map<Snippet, string[]>; outside: string[] } {
  const files = new Map<string, Snippet>();
  snippets.forEach((snippet, index) => {
    const name = `${snippet.page.replace(/[^\w]+/g, "_")}_L${snippet.line}_${index}.${snippet.lang}`;
    // `export {}` keeps each snippet a module of its own, whatever it declares.
    writeFileSync(join(dir, name), `${snippet.code}\nexport {};\n`);
    files.set(join(dir, name), snippet);
  });
  mkdirSync(join(dir, "types"), { recursive: true });
  const at = (path: string) => join(root, path);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    types: ["node"],
    typeRoots: [at("node_modules/@types")],
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    isolatedModules: true,
    allowImportingTsExtensions: true,
    paths: {
      tollgate: [at("src/index.ts")],
      "npm:tollgate": [at("src/index.ts")],
      "tollgate/security": [at("src/security.ts")],
      "tollgate/testing": [at("src/testing.ts")],
      "tollgate/node": [at("src/node.ts")],
      "tollgate/react": [at("src/react.ts"), at("src/react/index.ts")],
      "@clerk/nextjs/server": [at("test/docs/stubs/clerk-nextjs-server.d.ts")],
      "@clerk/nextjs": [at("test/docs/stubs/clerk-nextjs.d.ts")],
      "@/auth": [at("test/docs/stubs/next-auth.d.ts")],
      "next/navigation": [at("test/docs/stubs/next-navigation.d.ts")],
      "@/lib/db": [at("examples/nextjs-drizzle/lib/db/index.ts")],
      "@/lib/*": [at("examples/nextjs-drizzle/lib/*"), at("examples/nextjs-prisma/lib/*")],
      "@/generated/*": [at("examples/nextjs-prisma/generated/*")],
      "@upstash/redis": [at("test/docs/stubs/upstash-redis.d.ts")],
      "drizzle-orm": [at("node_modules/drizzle-orm")],
      "drizzle-orm/*": [at("node_modules/drizzle-orm/*")],
    },
  };
  const globals = join(root, "test/docs/stubs/runtime-globals.d.ts");
  const program = ts.createProgram([...files.keys(), globals], options);
  const errors = new Map<Snippet, string[]>(snippets.map((snippet) => [snippet, []]));
  const outside: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file;
    const snippet = file ? files.get(file.fileName) : undefined;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (file === undefined || snippet === undefined) {
      outside.push(`${file ? relative(root, file.fileName) : "(program)"}: ${message}`);
      continue;
    }
    const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    errors.get(snippet)?.push(`snippet line ${line + 1}: ${message}`);
  }
  return { errors, outside };
}

// One program for every snippet: tens of seconds on a busy machine (Drizzle's types are heavy).
let results: ReturnType<typeof compile> | undefined;
const compiled = () => {
  if (results === undefined) throw new Error("the snippets were not compiled");
  return results;
};
beforeAll(() => {
  results = compile();
}, 300_000);

describe("docs: every TypeScript snippet compiles as written, imports included", () => {
  it("finds the snippets of every page (README.md and docs/**/*.md)", () => {
    expect(pages).toContain("README.md");
    expect(pages).toContain("docs/getting-started.md");
    expect(snippets.length).toBeGreaterThan(20);
  });

  it("the stubs and the files snippets import compile too", () => {
    expect(compiled().outside).toEqual([]);
  });

  it.each(snippets.map((snippet) => [`${snippet.page}:${snippet.line}`, snippet] as const))("%s", (_where, snippet) => {
    expect(compiled().errors.get(snippet)).toEqual([]);
  });
});

describe("README.md: a page that works on the registry too", () => {
  // npm shows the README without the repository around it: a relative link there is dead.
  it("links every repository file absolutely (https://github.com/tollgate-js/tollgate/…)", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? "");
    expect(targets.length).toBeGreaterThan(10);
    expect(targets.filter((target) => !/^(https:\/\/|#)/.test(target))).toEqual([]);
  });
});
