// P4: cold start (import + create handler + first request) in fresh processes, median of RUNS.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { STRIPE_SECRET, stripePool } from "./fixtures.mjs";

const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 11);
const script = fileURLToPath(new URL("./cold.mjs", import.meta.url));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function runMany(mode, env) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const output = execFileSync(process.execPath, [script, mode], { env, encoding: "utf8" });
    runs.push({ ...JSON.parse(output), wallMs: performance.now() - started });
  }
  return {
    importMs: median(runs.map((run) => run.importMs)),
    importCpuMs: median(runs.map((run) => run.importCpuMs)),
    totalMs: median(runs.map((run) => run.totalMs)),
    wallMs: median(runs.map((run) => run.wallMs)),
  };
}

export async function runP4() {
  const [delivery] = await stripePool(1, 1024);
  const env = {
    ...process.env,
    BENCH_DELIVERY: JSON.stringify({
      body: delivery.body,
      signature: delivery.headers["stripe-signature"],
      secret: STRIPE_SECRET,
    }),
  };
  const tollgate = runMany("tollgate", env);
  const peer = runMany("peer", env);
  const deps = runMany("deps", env);
  return [
    {
      id: "P4 cold start (ms, in-process)",
      tollgate: tollgate.totalMs,
      peer: peer.totalMs,
      target: null,
      better: "lower",
      unit: "ms",
    },
    {
      id: "P4 process wall (ms)",
      tollgate: tollgate.wallMs,
      peer: peer.wallMs,
      target: null,
      better: "lower",
      unit: "ms",
    },
    {
      id: "P4 tollgate's own modules (ms)",
      tollgate: tollgate.importMs - deps.importMs,
      peer: null,
      target: 10,
      better: "absolute",
      unit: "ms",
      note: `import ${tollgate.importMs.toFixed(1)} ms − zod, lru-cache, node:crypto ${deps.importMs.toFixed(1)} ms`,
    },
    {
      id: "P4 tollgate's own modules (CPU ms)",
      tollgate: tollgate.importCpuMs - deps.importCpuMs,
      peer: null,
      target: 10,
      better: "absolute",
      unit: "ms",
      note: `the same in CPU time, which waiting for a core does not inflate: ${tollgate.importCpuMs.toFixed(1)} − ${deps.importCpuMs.toFixed(1)} ms`,
    },
  ];
}
