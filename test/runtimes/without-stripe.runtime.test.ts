import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextApp, type RunningApp } from "../support/next-app.js";
import { overHttp, secrets, webhookMatrix } from "./support/scenario.js";

// `stripe` is an optional peer: an app that only takes Clerk webhooks, or brings its own Stripe client,
// must build and run without it installed. The edge example's routes, in an app that installs tollgate
// from its packed tarball (as a user does) and has no `stripe` package anywhere up the tree.
const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const example = join(root, "examples/nextjs-edge");
const dir = mkdtempSync(join(tmpdir(), "tollgate-without-stripe-"));

async function prepare(): Promise<string | undefined> {
  try {
    const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: root });
    const tarball = stdout.trim().split("\n").at(-1) as string;
    const manifest = JSON.parse(readFileSync(join(example, "package.json"), "utf8"));
    manifest.name = "tollgate-without-stripe";
    manifest.dependencies.tollgate = `file:./${tarball}`;
    writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    for (const entry of ["app", "lib", "tsconfig.json"])
      cpSync(join(example, entry), join(dir, entry), { recursive: true });
    writeFileSync(join(dir, "next.config.mjs"), "export default {};\n");
    return undefined;
  } catch (error) {
    return `[tollgate] runtime matrix: app without stripe skipped: ${(error as Error).message}`;
  }
}

const skip = await prepare();
const app = skip ? undefined : nextApp(dir, "runtime matrix: app without stripe");

describe.skipIf(skip ?? app?.skip)(
  "an app without the optional stripe package (Next.js edge routes, packed tollgate)",
  () => {
    let server: RunningApp | undefined;
    let base = "";
    beforeAll(async () => {
      await app?.build();
      server = await app?.start({
        STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
        CLERK_WEBHOOK_SECRET: secrets.clerkWebhookSecret,
      });
      base = server?.base ?? "";
    });
    afterAll(async () => {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("has no stripe package to resolve", () => {
      expect(existsSync(join(dir, "node_modules/stripe"))).toBe(false);
      expect(existsSync(join(dir, "node_modules/tollgate/dist/index.js"))).toBe(true);
    });

    webhookMatrix(() => overHttp(() => base), {
      paths: { stripe: "/api/webhooks/stripe", clerk: "/api/webhooks/clerk" },
    });
  },
);
