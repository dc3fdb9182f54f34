// Bytes allocated per request: tollgate's webhook routes against the peer routes, on the same
// deliveries. Unlike time, an allocation count barely moves with whatever else the machine does, so
// it tells a change that matters from noise where the timed rows cannot (a shared VM's rounds vary
// by ±30 %). It is also what the garbage collector pays for: each request's garbage is scavenged.
//
// `npm run bench -- alloc` prints the totals; `node bench/alloc.mjs stripe|seed|clerk|verifyWebhook
// [n]` prints one route's allocations by function, each charged to the nearest tollgate frame on its
// stack (or "outside": the Request the benchmark builds, undici, Node's streams).
//
// Counted with V8's sampling heap profiler, objects the garbage collector has already freed included
// (`includeObjectsCollectedByMinorGC`/`MajorGC`), one sample every 128 bytes on average.
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";
import * as tollgate from "tollgate";
import { benchAdapter, benchRoute, cycle, STRIPE_SECRET, SVIX_SECRET, stripePool, svixPool } from "./fixtures.mjs";
import { clerkVerifyWebhookRoute, seedStripeRoute } from "./peers.mjs";

const ROUTES = {
  stripe: () => benchRoute(tollgate, "stripe"),
  seed: () => seedStripeRoute(benchAdapter, STRIPE_SECRET),
  clerk: () => benchRoute(tollgate, "clerk"),
  verifyWebhook: () => clerkVerifyWebhookRoute(SVIX_SECRET, { "session.created": async () => {} }),
};
const WARMUP = 2000;

/** The sampled allocations of `count` requests through `route`, as V8's profile tree. */
async function profile(route, pool, count) {
  const handler = ROUTES[route]();
  const next = cycle(pool);
  const once = async () => {
    const { body, headers } = next();
    const response = await handler(new Request("http://127.0.0.1/webhook", { method: "POST", body, headers }));
    if (response.status !== 200) throw new Error(`${route}: status ${response.status}`);
    await response.arrayBuffer();
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const session = new Session();
  session.connect();
  try {
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: 128,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < count; i++) await once();
    return (await session.post("HeapProfiler.stopSampling")).profile.head;
  } finally {
    session.disconnect();
  }
}

/** Bytes per request, by the nearest frame of tollgate's own build on each allocation's stack. */
function byOwner(head, count) {
  const owners = new Map();
  const walk = (node, owner) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const mine = url.includes("/dist/")
      ? `${functionName || "(anonymous)"} ${url.split("/").pop()}:${lineNumber + 1}`
      : owner;
    if (node.selfSize > 0) owners.set(mine, (owners.get(mine) ?? 0) + node.selfSize / count);
    for (const child of node.children) walk(child, mine);
  };
  walk(head, "outside");
  return owners;
}

const total = (owners) => [...owners.values()].reduce((sum, bytes) => sum + bytes, 0);

const pools = {
  stripe: (n) => stripePool(n, 1024),
  seed: (n) => stripePool(n, 1024),
  clerk: (n) => svixPool(n, 10_240),
  verifyWebhook: (n) => svixPool(n, 10_240),
};

/** Rows for `npm run bench`: KB allocated per request, tollgate against each peer. */
export async function runAlloc(count = 20_000) {
  const kb = async (route) =>
    total(byOwner(await profile(route, await pools[route](count + WARMUP), count), count)) / 1024;
  const rows = [];
  for (const [id, mine, peer] of [
    ["alloc: Stripe vs hand-written route 1 KB (KB/request)", "stripe", "seed"],
    ["alloc: Clerk vs verifyWebhook route 10 KB (KB/request)", "clerk", "verifyWebhook"],
  ]) {
    rows.push({ id, tollgate: await kb(mine), peer: await kb(peer), target: null, better: "lower", unit: "KB" });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [route = "stripe", countArg = "20000"] = process.argv.slice(2);
  if (!(route in ROUTES)) {
    console.error(`usage: node bench/alloc.mjs ${Object.keys(ROUTES).join("|")} [requests]`);
    process.exit(2);
  }
  const count = Number(countArg);
  const owners = byOwner(await profile(route, await pools[route](count + WARMUP), count), count);
  console.log(`${route}: ${Math.round(total(owners))} bytes allocated per request`);
  for (const [owner, bytes] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`${Math.round(bytes).toString().padStart(7)}  ${owner}`);
  }
}
