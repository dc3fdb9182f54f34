import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextApp, type RunningApp } from "../support/next-app.js";
import { overHttp, secrets, webhookMatrix } from "./support/scenario.js";

const app = fileURLToPath(new URL("../../examples/nextjs-edge", import.meta.url));
const example = nextApp(app, "runtime matrix: Next.js edge");

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

let server: RunningApp | undefined;
let base = "";

describe.skipIf(example.skip)("Next.js 16 App Router, route files with runtime = 'edge' (examples/nextjs-edge)", () => {
  beforeAll(async () => {
    // No secrets at build time: factories must not need them until a request comes.
    await example.build();
    server = await example.start({
      STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
      CLERK_WEBHOOK_SECRET: secrets.clerkWebhookSecret,
    });
    base = server.base;
  });
  afterAll(async () => {
    await server?.stop();
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
