import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeImports } from "./support/node-builtins.js";
import { probeRuntime } from "./support/runtime-probe.js";
import { overHttp, secrets, webhookMatrix } from "./support/scenario.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const workerd = probeRuntime("workerd (miniflare)", createRequire(import.meta.url).resolve("workerd/bin/workerd"));

let script = "";
let inputs: string[] = [];
let mf: Miniflare | undefined;
let base = "";

describe.skipIf(workerd.skip)(`workerd ${workerd.version ?? ""} through miniflare: the edge build`, () => {
  beforeAll(async () => {
    // Bundled as wrangler does for a Worker: the `workerd`/`worker`/`browser` conditions, never `node`;
    // `tollgate` resolves through the package's own exports map to dist/ (tsconfig paths are ignored).
    const bundle = await build({
      entryPoints: ["test/runtimes/fixtures/worker.ts"],
      absWorkingDir: root,
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      target: "es2022",
      tsconfigRaw: {},
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    script = bundle.outputFiles[0]?.text ?? "";
    inputs = Object.keys(bundle.metafile.inputs);
    // No nodejs_compat flag: a Node built-in import would fail to load here.
    mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate: "2026-04-01",
      bindings: {
        STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
        CLERK_WEBHOOK_SECRET: secrets.clerkWebhookSecret,
      },
      host: "127.0.0.1",
      port: 0,
    });
    base = (await mf.ready).href;
  });
  afterAll(async () => {
    await mf?.dispose();
  });

  it("the worker bundle takes the package's Web build (dist/index.js, dist/testing.js), not dist/node", () => {
    expect(inputs).toContain("dist/index.js");
    expect(inputs).toContain("dist/testing.js");
    expect(inputs.filter((file) => file.startsWith("dist/node") || file.startsWith("src/"))).toEqual([]);
  });

  // With its dependencies (zod, lru-cache, and stripe, bundled for the lazily loaded API client).
  // Buffer is not scanned here: Stripe's error messages name it. Running without nodejs_compat is the proof.
  it("the worker bundle imports no Node built-in (node:* or bare)", () => {
    expect(script.length).toBeGreaterThan(0);
    expect(nodeImports(script)).toEqual([]);
  });

  it("is served by workerd on 127.0.0.1", () => {
    expect(new URL(base).hostname).toBe("127.0.0.1");
  });

  webhookMatrix(() => overHttp(() => base), { state: "/state" });
});
