// P3: loopback requests per second, toNodeHandler against a Web Request bridge. The servers run in
// child processes so that autocannon (here) and the server under load each have a core; both stay up
// and are measured in alternating rounds, keeping each side's best.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { stripePool } from "./fixtures.mjs";

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const ROUNDS = 3;

async function start(mode) {
  const child = fork(fileURLToPath(new URL("./server.mjs", import.meta.url)), [mode], { stdio: "inherit" });
  const { port } = await new Promise((resolve) => child.once("message", resolve));
  return {
    port,
    cpu() {
      child.send("cpu");
      return new Promise((resolve) => child.once("message", (message) => resolve(message.cpu)));
    },
    async stop() {
      child.send("stop");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

/** Requests per second of wall time, and per second of the server's own CPU time. */
async function measure(mode, server, delivery, duration) {
  const cpuBefore = await server.cpu();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}/webhook`,
    method: "POST",
    body: delivery.body,
    headers: delivery.headers,
    connections: 10,
    duration,
  });
  const cpu = (await server.cpu()) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`P3 ${mode}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { perSecond: result.requests.average, perCpuSecond: result.requests.total / (cpu / 1e6) };
}

export async function runP3() {
  const [delivery] = await stripePool(1, 1024);
  const servers = { native: await start("native"), bridge: await start("bridge") };
  const best = { native: { perSecond: 0, perCpuSecond: 0 }, bridge: { perSecond: 0, perCpuSecond: 0 } };
  try {
    for (const mode of ["native", "bridge"]) await measure(mode, servers[mode], delivery, 1); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? ["native", "bridge"] : ["bridge", "native"]) {
        const { perSecond, perCpuSecond } = await measure(mode, servers[mode], delivery, SECONDS);
        best[mode].perSecond = Math.max(best[mode].perSecond, perSecond);
        best[mode].perCpuSecond = Math.max(best[mode].perCpuSecond, perCpuSecond);
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
  return [
    {
      id: "P3 req/s",
      tollgate: best.native.perSecond,
      peer: best.bridge.perSecond,
      target: 2.5,
      better: "higher",
      unit: "req/s",
    },
    {
      id: "P3 req per server CPU-second",
      tollgate: best.native.perCpuSecond,
      peer: best.bridge.perCpuSecond,
      target: 2.5,
      better: "higher",
      unit: "req",
      note: "what bounds req/s on a core of its own; steadier than req/s when the machine is shared",
    },
  ];
}
