// Run in a child process (bundled by test/node-upload-memory.test.ts) so that its memory is its own:
// the tollgate routes under `tollgate/node` and on the Web path, each with a custom rate-limit key
// that touches `ctx.request` before the body is read.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { createCheckoutRoute, createClerkWebhookRoute, createWebhookRoute, type Handler } from "../../src/index.js";
import { toNodeHandler } from "../../src/node.js";
import { createMemoryAdapter } from "../../src/testing.js";

const db = createMemoryAdapter();
const key = (request: Request) => request.headers.get("x-tenant") ?? "tenant";
const common = { audit: false as const, rateLimit: { limit: 1_000, windowMs: 60_000, key }, onError: () => {} };
const routes: Record<string, Handler> = {
  "stripe-webhook": createWebhookRoute({
    ...db,
    ...common,
    sync: "payload",
    stripe: { webhookSecret: "whsec_upload" },
  }),
  "clerk-webhook": createClerkWebhookRoute({ ...common, secret: "whsec_dXBsb2Fk" }),
  checkout: createCheckoutRoute({
    ...db,
    ...common,
    auth: () => "ada@example.com",
    stripe: {
      secretKey: "sk_test_upload",
      priceId: "price_1",
      successUrl: "https://app.example/ok",
      cancelUrl: "https://app.example/no",
    },
  }),
};
const nodeRoutes = Object.fromEntries(Object.entries(routes).map(([name, route]) => [name, toNodeHandler(route)]));

// What a Web-standard host (Next.js on Node, Hono's node server) does: a Request over the socket.
async function serveWeb(route: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://127.0.0.1${req.url}`, {
    method: req.method,
    headers,
    body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  const response = await route(request);
  res.writeHead(response.status, { "content-type": "application/json" });
  res.end(await response.text());
}

let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
setInterval(sample, 5).unref();

const server = createServer((req, res) => {
  const [, entry, name] = (req.url ?? "").split("/");
  const route = routes[name ?? ""];
  if (route === undefined) return void res.writeHead(404).end();
  if (entry === "node") return void nodeRoutes[name as string]?.(req, res);
  void serveWeb(route, req, res);
});

process.on("message", (message: { type: string }) => {
  if (message.type === "reset") {
    global.gc?.();
    peak = process.memoryUsage().rss;
    process.send?.({ type: "reset", rss: peak });
  } else if (message.type === "peak") {
    sample();
    process.send?.({ type: "peak", rss: peak });
  }
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
});
