// P3: loopback requests per second, toNodeHandler against a Web Request bridge. The server runs in a
// child process so that autocannon (here) and the server each have a core.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { stripePool } from "./fixtures.mjs";

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);

async function measure(mode, delivery) {
  const child = fork(fileURLToPath(new URL("./server.mjs", import.meta.url)), [mode], { stdio: "inherit" });
  const { port } = await new Promise((resolve) => child.once("message", resolve));
  try {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/webhook`,
      method: "POST",
      body: delivery.body,
      headers: delivery.headers,
      connections: 10,
      duration: SECONDS,
    });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`P3 ${mode}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return result.requests.average;
  } finally {
    child.send("stop");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

export async function runP3() {
  const [delivery] = await stripePool(1, 1024);
  const native = await measure("native", delivery);
  const bridge = await measure("bridge", delivery);
  return [{ id: "P3 req/s", tollgate: native, peer: bridge, target: 2.5, better: "higher", unit: "req/s" }];
}
