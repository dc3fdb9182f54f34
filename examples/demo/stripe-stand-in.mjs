// A tiny stand-in for the Stripe API on 127.0.0.1, so the demo and the end-to-end tests run offline:
// customers, Checkout Sessions, Billing Portal sessions and subscriptions, answering like Stripe
// (same idempotency key → same object; an unknown id → 404 resource_missing).
import { createServer } from "node:http";

/**
 * @returns `port`; `subscriptions`, the objects `GET /v1/subscriptions/:id` serves (set them to
 * Stripe's "current state"); `requests`, every call received (method, path, idempotency key, form
 * fields); `close()`.
 */
export async function startStripeStandIn() {
  const seen = new Map();
  const subscriptions = new Map();
  const requests = [];
  let counter = 0;
  const create = (prefix, key, make) => {
    const id = key && seen.has(key) ? seen.get(key) : `${prefix}_demo_${++counter}`;
    if (key) seen.set(key, id);
    return make(id);
  };
  const creators = {
    "/v1/customers": (key) => create("cus", key, (id) => ({ id, object: "customer" })),
    "/v1/checkout/sessions": (key) =>
      create("cs_test", key, (id) => ({
        id,
        object: "checkout.session",
        url: `https://checkout.stripe.com/c/pay/${id}`,
      })),
    "/v1/billing_portal/sessions": (key) =>
      create("bps", key, (id) => ({
        id,
        object: "billing_portal.session",
        url: `https://billing.stripe.com/p/session/${id}`,
      })),
  };
  const notFound = (message) => [404, { error: { type: "invalid_request_error", code: "resource_missing", message } }];
  const answer = (method, path, key) => {
    if (method === "POST" && creators[path]) return [200, creators[path](key)];
    const subscription = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    if (method === "GET" && subscription) {
      const found = subscriptions.get(decodeURIComponent(subscription[1]));
      return found ? [200, found] : notFound(`No such subscription: '${subscription[1]}'`);
    }
    return notFound(`Unrecognized request URL (${method}: ${path})`);
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url?.split("?")[0] ?? "";
      const key = req.headers["idempotency-key"];
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      requests.push({ method: req.method, path, idempotencyKey: key, form });
      const [status, body] = answer(req.method, path, key);
      res.statusCode = status;
      res.setHeader("content-type", "application/json");
      res.setHeader("request-id", `req_demo_${requests.length}`);
      res.end(JSON.stringify(body));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    subscriptions,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
