// Drives one route in a loop for a CPU profile: `node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs stripe|clerk|node [n]`,
// then `node bench/profile-top.mjs /tmp/prof/*.cpuprofile` for the functions with the most self time.
import * as tollgate from "tollgate";
import { benchRoute, cycle, stripePool, svixPool } from "./fixtures.mjs";

const [mode = "stripe", count = "20000"] = process.argv.slice(2);
const n = Number(count);
const route = benchRoute(tollgate, mode);
const next = cycle(mode === "clerk" ? await svixPool(n, 10_240) : await stripePool(n, 1024));
const started = performance.now();
for (let i = 0; i < n; i++) {
  const { body, headers } = next();
  const response = await route(new Request("http://127.0.0.1/webhook", { method: "POST", body, headers }));
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  await response.arrayBuffer();
}
console.log(`${mode}: ${(((performance.now() - started) / n) * 1000).toFixed(1)} µs per request`);
