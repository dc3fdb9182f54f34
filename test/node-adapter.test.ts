import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toNodeHandler } from "../src/node.js";
import {
  allowMethods,
  audit,
  bodyLimit,
  compose,
  type Handler,
  stripeSignature,
  timestampWindow,
} from "../src/security.js";
import { signStripePayload } from "../src/testing.js";

const secret = "whsec_node_adapter";
const webhook = compose(
  [
    audit({ sink: false }),
    allowMethods(["POST"]),
    bodyLimit({ maxBytes: 64 }),
    stripeSignature({ secret }),
    timestampWindow(),
  ],
  (ctx) => Response.json({ received: true, bytes: ctx.rawBody?.length }),
);
// A route whose endpoint needs the Web Request (as an `auth` resolver would), after the body was read.
const needsRequest = compose([bodyLimit()], async (ctx) =>
  Response.json({
    header: ctx.request.headers.get("x-user"),
    body: await ctx.request.text(),
    raw: ctx.rawBody?.length,
  }),
);
// A plain handler not made by compose: the adapter falls back to building a Request.
const plain: Handler = async (request) =>
  new Response(`plain ${request.method} ${await request.text()}`, { status: 201 });

let server: Server;
let base: string;
let preParsed: Uint8Array | undefined;

beforeAll(async () => {
  const routes: Record<string, ReturnType<typeof toNodeHandler>> = {
    "/webhook": toNodeHandler(webhook),
    "/needs-request": toNodeHandler(needsRequest),
    "/plain": toNodeHandler(plain),
  };
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/pre-parsed") {
      // What express.raw() leaves behind: the stream consumed, the bytes on req.body.
      (req as IncomingMessage & { body?: Uint8Array }).body = preParsed;
      req.resume();
      return void routes["/webhook"]?.(req, res);
    }
    return void routes[req.url ?? ""]?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function signed(body: string) {
  return { "content-type": "application/json", ...(await signStripePayload(body, secret)) };
}

describe("toNodeHandler", () => {
  it("serves a signed webhook from the socket, with the same body and x-request-id", async () => {
    const body = '{"id":"evt_1"}';
    const response = await fetch(`${base}/webhook`, { method: "POST", body, headers: await signed(body) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, bytes: body.length });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ["wrong method", "GET", undefined, {}, 405, "METHOD_NOT_ALLOWED"],
    ["no signature", "POST", "{}", {}, 400, "MISSING_SIGNATURE"],
    ["body over the limit", "POST", "x".repeat(65), {}, 413, "PAYLOAD_TOO_LARGE"],
  ] as const)("answers %s with the same error contract", async (_name, method, body, headers, status, code) => {
    const response = await fetch(`${base}/webhook`, { method, body, headers });
    expect(response.status).toBe(status);
    const json = await response.json();
    expect(json).toMatchObject({ code });
    expect(json.requestId).toBe(response.headers.get("x-request-id"));
    if (status === 405) expect(response.headers.get("allow")).toBe("POST");
  });

  it("refuses a tampered body", async () => {
    const headers = await signed('{"id":"evt_1"}');
    const response = await fetch(`${base}/webhook`, { method: "POST", body: '{"id":"evt_2"}', headers });
    expect(await response.json()).toMatchObject({ code: "INVALID_SIGNATURE" });
  });

  it("accepts raw bytes a body parser left on req.body", async () => {
    const body = '{"id":"evt_raw"}';
    preParsed = new TextEncoder().encode(body);
    const response = await fetch(`${base}/pre-parsed`, { method: "POST", body, headers: await signed(body) });
    expect(response.status).toBe(200);
  });

  it("builds the Web Request lazily, carrying the body already read", async () => {
    const response = await fetch(`${base}/needs-request`, {
      method: "POST",
      body: "hello",
      headers: { "x-user": "u1" },
    });
    expect(await response.json()).toEqual({ header: "u1", body: "hello", raw: 5 });
  });

  it("falls back to a Web Request for handlers not made by compose", async () => {
    const response = await fetch(`${base}/plain`, { method: "PUT", body: "data" });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe("plain PUT data");
  });
});
