import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { overHttp, secrets, webhookMatrix } from "./support/scenario.js";

const app = fileURLToPath(new URL("../../examples/nextjs-edge", import.meta.url));
const next = join(app, "node_modules/next/dist/bin/next");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

// A fresh clone has no node_modules in the example. `npm install` rather than `npm ci`: the lock cannot
// hold Next's macOS/Windows SWC packages where the registry does not serve them, which `npm ci` refuses.
function install(): string | undefined {
  if (existsSync(next)) return undefined;
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: app, env, encoding: "utf8" });
  if (result.status === 0 && existsSync(next)) return undefined;
  const reason = `[tollgate] runtime matrix: Next.js edge skipped: npm install in examples/nextjs-edge failed (exit ${result.status}): ${(result.error?.message ?? result.stderr).trim()}`;
  console.warn(reason);
  return reason;
}
const skip = install();

function run(args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [next, ...args], { cwd: app, env: { ...env, ...extraEnv }, stdio: "pipe" });
}

function exited(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  const output: string[] = [];
  child.stdout?.on("data", (chunk) => output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => output.push(String(chunk)));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output: output.join("") })));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function waitUntilUp(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited ${server.exitCode}:\n${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`next start did not answer within 60 s:\n${log()}`);
}

/** The original sources of every file in the route's edge function, from its source maps. */
function edgeSources(route: string): string[] {
  const manifest = JSON.parse(readFileSync(join(app, ".next/server/middleware-manifest.json"), "utf8")) as {
    functions: Record<string, { files: string[] }>;
  };
  const fn = manifest.functions[route];
  if (!fn) throw new Error(`${route} is not an edge function; edge functions: ${Object.keys(manifest.functions)}`);
  return fn.files.flatMap((file) => {
    const map = join(app, ".next", `${file}.map`);
    if (!existsSync(map)) return [];
    const parsed = JSON.parse(readFileSync(map, "utf8")) as {
      sources?: string[];
      sections?: Array<{ map: { sources: string[] } }>;
    };
    return parsed.sources ?? parsed.sections?.flatMap((section) => section.map.sources) ?? [];
  });
}

let server: ChildProcess | undefined;
let base = "";

describe.skipIf(skip)("Next.js 16 App Router, route files with runtime = 'edge' (examples/nextjs-edge)", () => {
  beforeAll(async () => {
    // No secrets at build time: factories must not need them until a request comes.
    const build = await exited(run(["build"]));
    if (build.code !== 0) throw new Error(`next build failed (exit ${build.code}):\n${build.output}`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = run(["start", "-H", "127.0.0.1", "-p", String(port)], {
      STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
      CLERK_WEBHOOK_SECRET: secrets.clerkWebhookSecret,
    });
    const log: string[] = [];
    server.stdout?.on("data", (chunk) => log.push(String(chunk)));
    server.stderr?.on("data", (chunk) => log.push(String(chunk)));
    await waitUntilUp(base, server, () => log.join(""));
  });
  afterAll(() => {
    server?.kill();
  });

  it("resolves tollgate through the package's exports, with no tsconfig path to src/", () => {
    const tsconfig = JSON.parse(readFileSync(join(app, "tsconfig.json"), "utf8")) as {
      compilerOptions: { paths?: unknown };
    };
    expect(tsconfig.compilerOptions.paths).toBeUndefined();
  });

  // dist/ carries source maps, so the bundle's map names the sources of the build it took: the Web build
  // is made from crypto/hmac.ts (Web Crypto), the Node build from crypto/hmac-node.ts (node:crypto).
  it.each(["/api/webhooks/stripe/route", "/api/webhooks/clerk/route"])("%s bundles tollgate's Web build", (route) => {
    const tollgate = edgeSources(route).filter((source) => /(^|\/)src\/(crypto|http|security)\//.test(source));
    expect(tollgate.some((source) => source.endsWith("src/crypto/hmac.ts"))).toBe(true);
    expect(tollgate.filter((source) => source.includes("hmac-node"))).toEqual([]);
  });

  webhookMatrix(() => overHttp(() => base), {
    paths: { stripe: "/api/webhooks/stripe", clerk: "/api/webhooks/clerk" },
  });
});
