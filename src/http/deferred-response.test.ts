import { describe, expect, it } from "vitest";
import { compose, type Middleware, routeCore } from "./compose.js";
import type { RequestSource } from "./context.js";
import { DeferredResponse } from "./deferred-response.js";
import { answer } from "./response.js";

const real = () => new Response('{"received":true}', { status: 201, headers: { "content-type": "application/json" } });
const deferred = () => answer({ received: true }, 201);

describe("a deferred answer reads like the Response it stands for", () => {
  it.each([
    ["instanceof Response", (r: Response) => r instanceof Response],
    ["status", (r: Response) => r.status],
    ["ok", (r: Response) => r.ok],
    ["statusText", (r: Response) => r.statusText],
    ["type", (r: Response) => r.type],
    ["url", (r: Response) => r.url],
    ["redirected", (r: Response) => r.redirected],
    ["headers", (r: Response) => [...r.headers]],
    ["bodyUsed", (r: Response) => r.bodyUsed],
    ["body is a stream", (r: Response) => r.body instanceof ReadableStream],
    ["text()", (r: Response) => r.text()],
    ["json()", (r: Response) => r.json()],
    ["arrayBuffer()", async (r: Response) => new TextDecoder().decode(await r.arrayBuffer())],
    ["blob()", async (r: Response) => (await r.blob()).text()],
    ["clone()", async (r: Response) => [r.clone().status, await r.clone().text()]],
    [
      "new Response(r.body, r)",
      async (r: Response) => {
        const copy = new Response(r.body, r);
        return [copy.status, [...copy.headers], await copy.text()];
      },
    ],
    [
      "a second read fails as it does on a Response",
      async (r: Response) => {
        await r.text();
        return r.text().then(
          () => "read twice",
          (error: unknown) => (error as Error).name,
        );
      },
    ],
  ] as const)("%s", async (_case, read) => {
    expect(await read(deferred())).toEqual(await read(real()));
  });

  it("keeps a header set through `headers` in the Response it becomes", async () => {
    const response = deferred();
    response.headers.set("x-layer", "1");
    expect((response as unknown as DeferredResponse).toResponse().headers.get("x-layer")).toBe("1");
  });
});

const source = (): RequestSource => ({
  method: "POST",
  url: "http://127.0.0.1/x",
  headers: new Headers(),
  body: () => null,
  toRequest: () => new Request("http://127.0.0.1/x", { method: "POST" }),
});
const setsHeader: Middleware = async (_ctx, next) => {
  const response = await next();
  response.headers.set("x-layer", "seen");
  return response;
};
const readsBody: Middleware = async (_ctx, next) => {
  const response = await next();
  return Response.json({ wrapped: await response.json() }, { status: response.status });
};

describe("where the Response gets built", () => {
  it.each([
    ["no layer reads the answer", [], { received: true }, undefined],
    ["a layer sets a header", [setsHeader], { received: true }, "seen"],
    ["a layer reads the body and answers anew", [readsBody], { wrapped: { received: true } }, undefined],
  ] as const)("a Web caller gets a Web Response when %s", async (_case, layers, body, header) => {
    const response = await compose([...layers], () => answer({ received: true }))(new Request("http://a.example/"));
    expect(response).not.toBeInstanceOf(DeferredResponse);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(response.headers.get("x-layer")).toBe(header ?? null);
    expect(await response.json()).toEqual(body);
  });

  it("the Node path gets the answer unbuilt, with x-request-id in its fields", async () => {
    const core = routeCore(compose([], () => answer({ received: true })));
    const response = await core?.(source());
    expect(response).toBeInstanceOf(DeferredResponse);
    const parts = DeferredResponse.parts(response as unknown as DeferredResponse);
    expect(parts).toMatchObject({ status: 200, text: '{"received":true}' });
    expect(parts?.headers).toMatchObject({ "content-type": "application/json", "x-request-id": expect.any(String) });
  });

  it("the Node path gets the built Response once a layer read the body", async () => {
    const core = routeCore(
      compose(
        [
          async (_ctx, next) => {
            const response = await next();
            await response.clone().text();
            return response;
          },
        ],
        () => answer({ received: true }),
      ),
    );
    const response = (await core?.(source())) as unknown as DeferredResponse;
    expect(DeferredResponse.parts(response)).toBeUndefined();
    expect(await response.toResponse().json()).toEqual({ received: true });
  });
});
