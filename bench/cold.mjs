// One cold start, in a fresh process: `node bench/cold.mjs tollgate|peer|deps`. Prints JSON timings.
const started = performance.now();
const cpuAtStart = process.cpuUsage();
// CPU time of this process in ms: unlike wall time, it does not grow while other processes hold the cores.
const cpuMs = () => {
  const { user, system } = process.cpuUsage(cpuAtStart);
  return (user + system) / 1000;
};
const { body, signature, secret } = JSON.parse(process.env.BENCH_DELIVERY ?? "{}");
const mode = process.argv[2];
const request = () =>
  new Request("http://127.0.0.1/webhook", { method: "POST", body, headers: { "stripe-signature": signature } });

let importMs;
let importCpuMs;
if (mode === "deps") {
  // What tollgate's node build loads that is not tollgate: zod, lru-cache and Node's own crypto module.
  await import("zod");
  await import("lru-cache");
  await import("node:crypto");
  importMs = performance.now() - started;
  importCpuMs = cpuMs();
} else if (mode === "tollgate") {
  const { createWebhookRoute } = await import("tollgate");
  importMs = performance.now() - started;
  importCpuMs = cpuMs();
  const noop = async () => {};
  const route = createWebhookRoute({
    findUserByCustomerId: async () => null,
    upsertSubscription: noop,
    updateSubscriptionStatus: noop,
    stripe: { webhookSecret: secret },
    sync: "payload",
    audit: false,
  });
  const response = await route(request());
  if (response.status !== 200) throw new Error(`tollgate cold start: ${response.status}`);
} else {
  const { default: Stripe } = await import("stripe");
  importMs = performance.now() - started;
  importCpuMs = cpuMs();
  const stripe = new Stripe("sk_test_bench");
  const peer = async (req) => {
    const text = await req.text();
    stripe.webhooks.constructEvent(text, req.headers.get("stripe-signature"), secret);
    return Response.json({ received: true });
  };
  const response = await peer(request());
  if (response.status !== 200) throw new Error(`peer cold start: ${response.status}`);
}
process.stdout.write(JSON.stringify({ importMs, importCpuMs, totalMs: performance.now() - started }));
