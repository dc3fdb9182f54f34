// The error contract through both entry points: each row goes to a fresh route once as a Web Request
// and once through toNodeHandler on a real node:http server; status, body and headers must match.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCheckoutRoute,
  createClerkWebhookRoute,
  createSubscriptionStatusRoute,
  createWebhookRoute,
  type Handler,
} from "../src/index.js";
import { toNodeHandler } from "../src/node.js";
import { clerkEvent, createMemoryAdapter, signStripePayload, signSvixPayload, stripeEvent } from "../src/testing.js";

const STRIPE = "whsec_parity";
const CLERK = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

const routes: Record<string, () => Handler> = {
  stripe: () => {
    const db = createMemoryAdapter();
    db.seedUser({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" });
    return createWebhookRoute({ ...db, sync: "payload", audit: false, stripe: { webhookSecret: STRIPE } });
  },
  clerk: () => createClerkWebhookRoute({ secret: CLERK, audit: false, on: { "user.created": () => {} } }),
  clerkUnconfigured: () => createClerkWebhookRoute({ secret: undefined, audit: false }),
  checkout: () =>
    createCheckoutRoute({
      ...createMemoryAdapter(),
      audit: false,
      auth: async () => null,
      stripe: {
        secretKey: "sk_test_parity",
        priceId: "price_1",
        successUrl: "https://app.example/ok",
        cancelUrl: "https://app.example/no",
      },
    }),
  status: () => {
    const db = createMemoryAdapter();
    db.seedUser({ id: "user_1", email: "ada@example.com" });
    return createSubscriptionStatusRoute({ ...db, audit: false, rateLimit: { limit: 5, windowMs: 60_000 } });
  },
};

interface Row {
  route: keyof typeof routes;
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Send the same request twice and compare the second answers (duplicates). */
  twice?: boolean;
}

const subscription = JSON.stringify(
  stripeEvent("customer.subscription.updated", {
    id: "sub_1",
    object: "subscription",
    customer: "cus_1",
    status: "active",
    items: { data: [{ price: { id: "price_1" }, current_period_end: 1_900_000_000 }] },
  }),
);
const user = JSON.stringify(clerkEvent("user.created"));
const now = () => Math.floor(Date.now() / 1000);

async function rows(): Promise<Array<[string, Row]>> {
  const stripeSigned = await signStripePayload(subscription, STRIPE);
  const clerkSigned = await signSvixPayload(user, CLERK, { id: "msg_parity" });
  return [
    ["stripe: processed", { route: "stripe", body: subscription, headers: stripeSigned }],
    ["stripe: duplicate", { route: "stripe", body: subscription, headers: stripeSigned, twice: true }],
    ["stripe: unknown event", { route: "stripe", body: JSON.stringify(stripeEvent("invoice.paid", {})), headers: {} }],
    ["stripe: missing signature", { route: "stripe", body: subscription }],
    [
      "stripe: invalid signature",
      { route: "stripe", body: subscription, headers: await signStripePayload(subscription, "whsec_other") },
    ],
    [
      "stripe: too old",
      {
        route: "stripe",
        body: subscription,
        headers: await signStripePayload(subscription, STRIPE, { timestamp: now() - 400 }),
      },
    ],
    [
      "stripe: in the future",
      {
        route: "stripe",
        body: subscription,
        headers: await signStripePayload(subscription, STRIPE, { timestamp: now() + 400 }),
      },
    ],
    ["stripe: not JSON", { route: "stripe", body: "nope", headers: await signStripePayload("nope", STRIPE) }],
    ["stripe: too large", { route: "stripe", body: "x".repeat(1_048_577) }],
    ["stripe: wrong method", { route: "stripe", method: "GET" }],
    ["clerk: processed", { route: "clerk", body: user, headers: clerkSigned }],
    ["clerk: duplicate", { route: "clerk", body: user, headers: clerkSigned, twice: true }],
    ["clerk: missing headers", { route: "clerk", body: user }],
    [
      "clerk: invalid data",
      { route: "clerk", body: JSON.stringify(clerkEvent("user.created", { id: 5 })), headers: {} },
    ],
    ["clerk: no secret", { route: "clerkUnconfigured", body: user, headers: clerkSigned }],
    ["checkout: not JSON", { route: "checkout", body: "email=a", headers: { "content-type": "text/plain" } }],
    ["checkout: unauthenticated", { route: "checkout", body: "{}", headers: { "content-type": "application/json" } }],
    ["status: found", { route: "status", method: "GET", path: "/?email=ada@example.com" }],
    ["status: invalid email", { route: "status", method: "GET", path: "/?email=nope" }],
  ];
}

// Signed headers for rows whose body must be signed per send (invalid data must pass the signature).
async function headersFor(row: Row): Promise<Record<string, string>> {
  if (row.route === "stripe" && row.headers && Object.keys(row.headers).length === 0)
    return signStripePayload(row.body ?? "", STRIPE);
  if (row.route === "clerk" && row.headers && Object.keys(row.headers).length === 0)
    return signSvixPayload(row.body ?? "", CLERK);
  return row.headers ?? {};
}

/** What each row must answer, so matching answers cannot both be wrong. */
const EXPECTED: Record<string, number> = {
  "stripe: processed": 200,
  "stripe: duplicate": 200,
  "stripe: unknown event": 200,
  "stripe: missing signature": 400,
  "stripe: invalid signature": 400,
  "stripe: too old": 400,
  "stripe: in the future": 400,
  "stripe: not JSON": 400,
  "stripe: too large": 413,
  "stripe: wrong method": 405,
  "clerk: processed": 200,
  "clerk: duplicate": 200,
  "clerk: missing headers": 400,
  "clerk: invalid data": 400,
  "clerk: no secret": 500,
  "checkout: not JSON": 415,
  "checkout: unauthenticated": 401,
  "status: found": 200,
  "status: invalid email": 400,
};

let server: Server;
let base = "";
let nodeRoute: ReturnType<typeof toNodeHandler> | undefined;

beforeAll(async () => {
  server = createServer((req, res) => void nodeRoute?.(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function answer(response: Response) {
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (body && typeof body === "object") delete body.requestId;
  const headers = Object.fromEntries(
    [...response.headers].filter(
      ([name]) =>
        ["allow", "cache-control", "content-type", "retry-after"].includes(name) || name.startsWith("ratelimit-"),
    ),
  );
  return { status: response.status, body, headers, hasRequestId: response.headers.has("x-request-id") };
}

describe("toNodeHandler answers exactly like the Web handler", async () => {
  it.each(await rows())("%s", async (name, row) => {
    const headers = await headersFor(row);
    const init = { method: row.method ?? "POST", headers, body: row.body };
    const web = routes[row.route]!();
    let webResponse = await web(new Request(`https://app.example${row.path ?? "/"}`, init));
    nodeRoute = toNodeHandler(routes[row.route]!());
    let nodeResponse = await fetch(`${base}${row.path ?? "/"}`, init);
    if (row.twice) {
      webResponse = await web(new Request(`https://app.example${row.path ?? "/"}`, init));
      nodeResponse = await fetch(`${base}${row.path ?? "/"}`, init);
    }
    const [fromWeb, fromNode] = [await answer(webResponse), await answer(nodeResponse)];
    expect(fromNode).toEqual(fromWeb);
    expect(fromWeb.status).toBe(EXPECTED[name]);
    expect(fromWeb.hasRequestId).toBe(true);
    if (row.twice) expect(fromWeb.body).toEqual({ received: true, duplicate: true });
  });
});
