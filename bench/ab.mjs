// What one change gained: `node bench/ab.mjs <before> <after> [stripe|clerk] [bytes] [rounds]`.
//
// Builds the package's `node` entry at two git revisions (each `src/` bundled with esbuild, the node
// twins swapped in as tsup does), loads both into this one process and drives the same webhook
// route of each with distinct signed deliveries in alternating rounds, so that whatever else the
// machine does weighs on both sides alike. Prints the best and the median round of each side and
// their ratios. `after` may be `.` for the working tree.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { benchRoute, cycle, stripePool, svixPool } from "./fixtures.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const [before, after, mode = "stripe", bytesArg, roundsArg = "10"] = process.argv.slice(2);
if (before === undefined || after === undefined) {
  console.error("usage: node bench/ab.mjs <before> <after> [stripe|clerk] [bytes] [rounds]");
  process.exit(2);
}
const bytes = Number(bytesArg ?? (mode === "clerk" ? 10_240 : 1024));
const rounds = Number(roundsArg);
const PER_ROUND = 4000;

// The same swaps as tsup.config.ts's `nodeSwaps`.
const NODE_SWAPS = {
  "crypto/hmac.js": "src/crypto/hmac-node.ts",
  "stripe-stand-in/listen.js": "src/testing/stripe-stand-in/listen-node.ts",
};

/** Bundles `src/index.ts` as of `revision` into bench/.ab/<name>/index.mjs (beside node_modules, so externals resolve). */
async function buildAt(revision, name) {
  let source = root;
  let scratch;
  if (revision !== ".") {
    scratch = mkdtempSync(join(tmpdir(), "tollgate-ab-"));
    execFileSync("sh", ["-c", `git -C "${root}" archive "${revision}" src | tar -x -C "${scratch}"`]);
    source = scratch;
  }
  const outdir = join(root, "bench", ".ab", name);
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { index: join(source, "src/index.ts") },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    outdir,
    outExtension: { ".js": ".mjs" },
    external: ["stripe", "lru-cache", "zod"],
    logLevel: "error",
    plugins: [
      {
        name: "node-twins",
        setup(b) {
          b.onResolve({ filter: /(^|\/)(hmac|listen)\.js$/ }, ({ path, resolveDir }) => {
            const full = resolve(resolveDir, path).replaceAll("\\", "/");
            const twin = Object.entries(NODE_SWAPS).find(([file]) => full.endsWith(`/${file}`));
            return twin ? { path: join(source, twin[1]) } : undefined;
          });
        },
      },
    ],
  });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  return pathToFileURL(join(outdir, "index.mjs")).href;
}

const sides = [];
for (const [name, revision] of [
  ["before", before],
  ["after", after],
]) {
  const tollgate = await import(await buildAt(revision, name));
  const count = (rounds + 1) * PER_ROUND + 10;
  const pool = mode === "clerk" ? await svixPool(count, bytes) : await stripePool(count, bytes);
  sides.push({ name, revision, handler: benchRoute(tollgate, mode), next: cycle(pool), micros: [] });
}

// Round 0 warms both sides up and is not counted; the order alternates every round.
for (let round = 0; round <= rounds; round++) {
  for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
    const started = performance.now();
    for (let i = 0; i < PER_ROUND; i++) {
      const { body, headers } = side.next();
      const response = await side.handler(new Request("http://127.0.0.1/webhook", { method: "POST", body, headers }));
      if (response.status !== 200) throw new Error(`${side.name}: status ${response.status}`);
      await response.arrayBuffer();
    }
    if (round > 0) side.micros.push(((performance.now() - started) / PER_ROUND) * 1000);
  }
}

const summary = (micros) => {
  const sorted = [...micros].sort((a, b) => a - b);
  return { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)] };
};
const [a, b] = sides.map((side) => summary(side.micros));
const pct = (x, y) => `${((y / x - 1) * 100).toFixed(1)} %`;
console.log(
  `${mode} ${bytes} B, ${rounds} rounds of ${PER_ROUND}: ${before} best ${a.best.toFixed(1)} µs, median ${a.median.toFixed(1)} µs → ` +
    `${after} best ${b.best.toFixed(1)} µs, median ${b.median.toFixed(1)} µs (best ${pct(a.best, b.best)}, median ${pct(a.median, b.median)})`,
);
