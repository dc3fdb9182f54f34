// P5: heap growth after 1,000,000 distinct event ids through the default memory idempotency store.
import { createMemoryIdempotencyStore } from "tollgate/security";

const IDS = Number(process.env.BENCH_HEAP_IDS ?? 1_000_000);

export async function runP5() {
  if (typeof globalThis.gc !== "function") throw new Error("run with node --expose-gc");
  const store = createMemoryIdempotencyStore();
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < IDS; i++) {
    const key = `stripe:evt_${i.toString(36).padStart(24, "0")}`;
    await store.claim(key, 60_000);
    await store.complete(key, 300_000);
  }
  globalThis.gc();
  const growthMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  return [{ id: "P5 heap growth (MB)", tollgate: growthMb, peer: null, target: 30, better: "absolute", unit: "MB" }];
}
