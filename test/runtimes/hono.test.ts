import { Hono } from "hono";
import { describe } from "vitest";
import { createClerkWebhookRoute, createWebhookRoute } from "../../src/index.js";
import { createMemoryAdapter } from "../../src/testing.js";
import { createHost } from "./fixtures/host.js";
import { secrets, webhookMatrix } from "./support/scenario.js";

// Hono hands the route the raw Web Request (c.req.raw): the body is still unread, so the route verifies
// the exact bytes that were signed.
const host = createHost({ createWebhookRoute, createClerkWebhookRoute, createMemoryAdapter }, secrets);
const app = new Hono();
app.post("/stripe", (c) => host.stripe(c.req.raw));
app.post("/clerk", (c) => host.clerk(c.req.raw));
app.get("/state", (c) => c.json(host.state()));

describe("Hono: app.post(path, (c) => route(c.req.raw))", () => {
  webhookMatrix(() => (path, init) => Promise.resolve(app.request(path, init)), { state: "/state" });
});
