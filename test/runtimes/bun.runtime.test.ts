import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeRuntime } from "./support/runtime-probe.js";
import { overHttp, secrets, webhookMatrix } from "./support/scenario.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bunPath = createRequire(import.meta.url).resolve("bun/bin/bun.exe");
const bun = probeRuntime("Bun", bunPath);

interface Ready {
  url: string;
  bun: string;
  resolved: { tollgate: string; testing: string };
}

let child: ChildProcess | undefined;
let ready: Ready | undefined;
let scratch = "";

/** The first JSON line the server prints, or its stderr and exit status if it stops first. */
function firstLine(server: ChildProcess): Promise<Ready> {
  return new Promise((resolve, reject) => {
    const stderr: string[] = [];
    server.stderr?.on("data", (chunk) => {
      stderr.push(String(chunk));
    });
    const lines = createInterface({ input: server.stdout! });
    lines.once("line", (line) => resolve(JSON.parse(line) as Ready));
    server.once("exit", (code) => reject(new Error(`bun exited ${code} before it listened:\n${stderr.join("")}`)));
  });
}

describe.skipIf(bun.skip)(`Bun ${bun.version ?? ""} (npm package): Bun.serve on 127.0.0.1`, () => {
  beforeAll(async () => {
    // Bun applies the nearest tsconfig's `paths`, which map tollgate to src/ for tsc; give it none, so
    // `tollgate` resolves through the package's exports map to dist/ as it does for an installed package.
    scratch = mkdtempSync(join(tmpdir(), "tollgate-bun-"));
    const tsconfig = join(scratch, "tsconfig.json");
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions: {} }));
    child = spawn(bunPath, ["run", `--tsconfig-override=${tsconfig}`, "test/runtimes/fixtures/bun-server.ts"], {
      cwd: root,
      env: {
        ...process.env,
        STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
        CLERK_WEBHOOK_SECRET: secrets.clerkWebhookSecret,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    ready = await firstLine(child);
  });
  afterAll(() => {
    child?.kill();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("imports the built package under the `node` export condition (dist/node; Bun matches `bun`, then `node`)", () => {
    expect(ready?.resolved).toEqual({
      tollgate: `file://${join(root, "dist/node/index.js")}`,
      testing: `file://${join(root, "dist/node/testing.js")}`,
    });
    expect(new URL(ready?.url ?? "").hostname).toBe("127.0.0.1");
  });

  webhookMatrix(() => overHttp(() => ready?.url ?? ""), { state: "/state" });
});
