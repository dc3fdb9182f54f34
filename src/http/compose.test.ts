import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { audit } from "../security/audit.js";
import { compose, type Endpoint, type Middleware } from "./compose.js";
import { TollgateError } from "./errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const request = (init?: RequestInit) => new Request("https://app.example/x", init);
const ok: Endpoint = () => Response.json({ ok: true });
const throwing =
  (error: unknown): Endpoint =>
  () => {
    throw error;
  };

let logged: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  logged = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe("x-request-id", () => {
  const answers: Middleware = async () => new Response("from a layer", { status: 202 });
  const forbids: Middleware = async () => {
    throw new TollgateError("FORBIDDEN");
  };
  it.each([
    ["a JSON response", [], ok, 200],
    [
      "a response with immutable headers (Response.redirect)",
      [],
      () => Response.redirect("https://a.example/", 302),
      302,
    ],
    ["a layer that answers itself", [answers], ok, 202],
    ["a TollgateError thrown by a layer", [forbids], ok, 403],
    ["an Error thrown by the endpoint", [], throwing(new Error("boom")), 500],
    ["a string thrown by the endpoint", [], throwing("boom"), 500],
    ["a rejected endpoint", [], () => Promise.reject(new TypeError("x")), 500],
  ] as const)("is on %s, and equals the error body's requestId", async (_case, layers, endpoint, status) => {
    const response = await compose(layers, endpoint)(request());
    expect(response.status).toBe(status);
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(UUID);
    if (status >= 400) expect((await response.json()).requestId).toBe(id);
  });

  it("keeps what an immutable response carried", async () => {
    const response = await compose([], () => Response.redirect("https://a.example/next", 307))(request());
    expect(response.headers.get("location")).toBe("https://a.example/next");
  });

  it("differs between requests", async () => {
    const handler = compose([], ok);
    const [a, b] = await Promise.all([handler(request()), handler(request())]);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});

describe("error bodies", () => {
  it("never carry the cause's message or a stack: a thrown Error is a plain 500 INTERNAL_ERROR", async () => {
    const response = await compose([], throwing(new Error("secret-db-password")))(request());
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/json");
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: "Internal server error.",
      code: "INTERNAL_ERROR",
      requestId: response.headers.get("x-request-id"),
    });
    expect(text).not.toMatch(/secret-db-password|stack|\bat\b|Error:/);
  });

  it("log the cause on the server with the request id, so it can be found", async () => {
    const cause = new Error("secret-db-password");
    const response = await compose([], throwing(cause))(request());
    expect(logged).toHaveBeenCalledOnce();
    expect(logged).toHaveBeenCalledWith(
      `[tollgate] INTERNAL_ERROR requestId=${response.headers.get("x-request-id")}`,
      cause,
    );
  });

  it.each([
    ["UPSTREAM_ERROR", 502, new Error("No such price: 'price_live_secret'")],
    ["STORE_UNAVAILABLE", 503, new Error("connect ECONNREFUSED redis://:hunter2@10.0.0.5")],
    ["HANDLER_FAILED", 500, new Error("duplicate key value violates unique constraint users_email_key")],
  ] as const)("show the safe message of %s, not its cause", async (code, status, cause) => {
    const response = await compose([], throwing(new TollgateError(code, { cause })))(request());
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body).toEqual({ error: new TollgateError(code).message, code, requestId: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain(cause.message);
  });

  it.each([
    ["VALIDATION_ERROR", { details: { email: ["Invalid email"] } }],
    ["FORBIDDEN", {}],
  ] as const)("carry details only for VALIDATION_ERROR (%s)", async (code, expected) => {
    const error = new TollgateError(code, { details: { email: ["Invalid email"] } });
    const body = await (await compose([], throwing(error))(request())).json();
    expect(Object.keys(body).sort()).toEqual(["code", "error", "requestId", ...Object.keys(expected)].sort());
    expect(body).toMatchObject(expected);
  });

  it.each([
    ["undefined", undefined],
    ["null", null],
    ["a plain object", { received: true }],
    ["a string", "ok"],
  ])("are what a handler answers, never a rejection, when the endpoint returns %s", async (_case, value) => {
    const entries: Array<{ status: number; outcome: string }> = [];
    const sink = (entry: unknown) => void entries.push(entry as { status: number; outcome: string });
    for (const layers of [[], [audit({ sink })]]) {
      const response = await compose(layers, (() => value) as unknown as Endpoint)(request());
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ code: "INTERNAL_ERROR" });
    }
    expect(entries).toEqual([expect.objectContaining({ status: 500, outcome: "error" })]);
  });

  it("are what a handler answers when a middleware resolves to something that is not a Response", async () => {
    const broken: Middleware = async () => undefined as unknown as Response;
    const response = await compose([broken], ok)(request());
    expect(response.status).toBe(500);
    expect(response.headers.get("x-request-id")).toMatch(UUID);
  });

  it("do not log 4xx causes as server errors", async () => {
    await compose([], throwing(new TollgateError("FORBIDDEN")))(request());
    expect(logged).not.toHaveBeenCalled();
  });
});

describe("compose", () => {
  it("runs the layers as an onion around the endpoint", async () => {
    const order: string[] = [];
    const layer =
      (name: string): Middleware =>
      async (_ctx, next) => {
        order.push(`${name} in`);
        const response = await next();
        order.push(`${name} out`);
        return response;
      };
    await compose([layer("a"), layer("b")], () => {
      order.push("endpoint");
      return ok({} as never);
    })(request());
    expect(order).toEqual(["a in", "b in", "endpoint", "b out", "a out"]);
  });

  it("refuses a second next() call: 500 INTERNAL_ERROR, endpoint run once", async () => {
    const endpoint = vi.fn(ok);
    const twice: Middleware = async (_ctx, next) => {
      await next();
      return next();
    };
    const response = await compose([twice], endpoint)(request());
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "INTERNAL_ERROR" });
    expect(endpoint).toHaveBeenCalledOnce();
  });

  it("resolves next() to the downstream Response, which a layer can read and rewrite", async () => {
    const inner = new Response("inner", { status: 200, headers: { "x-inner": "1" } });
    let seen: Response | undefined;
    const rewrite: Middleware = async (_ctx, next) => {
      seen = await next();
      return new Response(`${await seen.text()}!`, { status: 201, headers: { "x-outer": "1" } });
    };
    const response = await compose([rewrite], () => inner)(request());
    expect(seen).toBe(inner);
    expect(response.status).toBe(201);
    expect(await response.text()).toBe("inner!");
    expect(response.headers.get("x-outer")).toBe("1");
  });

  it("lets a layer catch what is thrown below it", async () => {
    const rescue: Middleware = async (_ctx, next) => next().catch(() => new Response("rescued", { status: 299 }));
    const response = await compose([rescue], throwing(new TollgateError("FORBIDDEN")))(request());
    expect(response.status).toBe(299);
  });

  it("lets a layer answer without calling the endpoint", async () => {
    const endpoint = vi.fn(ok);
    const response = await compose([async () => new Response(null, { status: 204 })], endpoint)(request());
    expect(response.status).toBe(204);
    expect(endpoint).not.toHaveBeenCalled();
  });

  it("adds the context's response headers, appending to Vary and never overriding the response's own", async () => {
    const setHeaders: Middleware = async (ctx, next) => {
      ctx.responseHeaders.append("vary", "Origin");
      ctx.responseHeaders.set("x-from-context", "ctx");
      ctx.responseHeaders.set("cache-control", "from-context");
      return next();
    };
    const response = await compose([setHeaders], () =>
      Response.json({}, { headers: { vary: "Accept-Encoding", "cache-control": "private, no-store" } }),
    )(request());
    expect(response.headers.get("vary")).toBe("Accept-Encoding, Origin");
    expect(response.headers.get("x-from-context")).toBe("ctx");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("gives each request a fresh context and names the route", async () => {
    const seen: Array<{ route: string; state: object }> = [];
    const handler = compose(
      [
        async (ctx, next) => {
          seen.push({ route: ctx.route, state: { ...ctx.state } });
          (ctx.state as { mark?: boolean }).mark = true;
          return next();
        },
      ],
      ok,
      { route: "my-hook" },
    );
    await handler(request());
    await handler(request());
    expect(seen).toEqual([
      { route: "my-hook", state: {} },
      { route: "my-hook", state: {} },
    ]);
    const routes: string[] = [];
    await compose([], (ctx) => {
      routes.push(ctx.route);
      return ok(ctx);
    })(request());
    expect(routes).toEqual(["custom"]);
  });
});
