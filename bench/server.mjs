// A webhook server in its own process for P3: `node bench/server.mjs native|bridge`.
import { createServer } from "node:http";
import { createWebhookRoute } from "tollgate";
import { toNodeHandler } from "tollgate/node";
import { STRIPE_SECRET } from "./fixtures.mjs";

const noop = async () => {};
const route = createWebhookRoute({
  findUserByCustomerId: async () => ({ id: "user_bench", email: "bench@example.com", stripeCustomerId: "cus_bench" }),
  upsertSubscription: noop,
  updateSubscriptionStatus: noop,
  stripe: { webhookSecret: STRIPE_SECRET },
  sync: "payload",
  audit: false,
  // Every request carries the same event; measure the transport, not the duplicate short-cut.
  idempotency: false,
});

/** The usual way to mount a Web handler on node:http: build a Request, write the Response. */
function bridge(handler) {
  return (req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", async () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) headers.set(name, String(value));
      const body = Buffer.concat(chunks);
      const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body });
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  };
}

const mode = process.argv[2];
const server = createServer(mode === "native" ? toNodeHandler(route) : bridge(route));
server.keepAliveTimeout = 10_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("message", (message) => {
  if (message === "stop") server.close(() => process.exit(0));
  // CPU time this server has used, in µs: under load, what bounds its req/s on a core of its own.
  if (message === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpu: user + system });
  }
});
