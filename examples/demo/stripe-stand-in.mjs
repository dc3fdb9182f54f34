// A tiny stand-in for the Stripe API on 127.0.0.1, so the demo runs offline: customers, Checkout
// Sessions and Billing Portal sessions, answering like Stripe (same idempotency key → same object).
import { createServer } from "node:http";

export async function startStripeStandIn() {
  const seen = new Map();
  let counter = 0;
  const create = (prefix, key, make) => {
    const id = key && seen.has(key) ? seen.get(key) : `${prefix}_demo_${++counter}`;
    if (key) seen.set(key, id);
    return make(id);
  };
  const routes = {
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
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const route = routes[req.url?.split("?")[0] ?? ""];
      res.setHeader("content-type", "application/json");
      if (req.method !== "POST" || !route) {
        res.statusCode = 404;
        return res.end(
          JSON.stringify({ error: { type: "invalid_request_error", message: `No such route: ${req.url}` } }),
        );
      }
      res.end(JSON.stringify(route(req.headers["idempotency-key"])));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: server.address().port, close: () => new Promise((resolve) => server.close(resolve)) };
}
