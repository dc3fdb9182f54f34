import { describe, expect, it, vi } from "vitest";
import type { AuditEntry } from "../http/audit-entry.js";
import { compose, type Middleware } from "../http/compose.js";
import { audit } from "./audit.js";
import { bodyLimit } from "./body-limit.js";

/** A body streamed in chunks, without a content-length, that records whether it was cancelled. */
function streamed(chunks: Uint8Array[] | (() => Uint8Array | undefined)) {
  const cancelled = vi.fn();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = typeof chunks === "function" ? chunks() : chunks.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel: cancelled,
  });
  const request = new Request("https://app.example/hook", {
    method: "POST",
    body: stream,
    duplex: "half",
  } as RequestInit);
  return { request, cancelled };
}

/** A body whose declared content-length is smaller than what it carries. */
function lying(body: Uint8Array<ArrayBuffer>, declared: number) {
  return new Request("https://app.example/hook", {
    method: "POST",
    body,
    headers: { "content-length": String(declared) },
  });
}

const bytes = (length: number, fill = 0x78) => new Uint8Array(length).fill(fill);

/** A streamed body that sends `first` and then nothing more, never ending (a stalled client). */
function stalledAfter(first: Uint8Array) {
  return new Request("https://app.example/hook", {
    method: "POST",
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(first);
      },
    }),
    duplex: "half",
  } as RequestInit);
}
/** A body with its content-length declared, as an HTTP server hands it over. */
const post = (body: Uint8Array<ArrayBuffer> | string) =>
  new Request("https://app.example/hook", {
    method: "POST",
    body,
    headers: {
      "content-length": String(typeof body === "string" ? new TextEncoder().encode(body).length : body.length),
    },
  });

function handler(maxBytes?: number) {
  const endpoint = vi.fn((ctx: { rawBody: Uint8Array | undefined }) =>
    Response.json({ length: ctx.rawBody?.byteLength }),
  );
  return { handler: compose([bodyLimit(maxBytes === undefined ? {} : { maxBytes })], endpoint), endpoint };
}

describe("bodyLimit", () => {
  it.each([
    ["content-length at the limit", 200, 10, () => post(bytes(10))],
    ["content-length one over", 413, 10, () => post(bytes(11))],
    ["a content-length that lies low", 413, 10, () => lying(bytes(11), 5)],
    ["a streamed body at the limit", 200, 10, () => streamed([bytes(4), bytes(4), bytes(2)]).request],
    ["a streamed body one over", 413, 10, () => streamed([bytes(4), bytes(4), bytes(3)]).request],
    ["a streamed body far over", 413, 10, () => streamed(Array.from({ length: 100 }, () => bytes(4))).request],
    ["an empty body", 200, 10, () => post("")],
    ["no body", 200, 0, () => new Request("https://app.example/hook", { method: "POST" })],
    ["1 MiB by default", 200, undefined, () => post(bytes(1_048_576))],
    ["1 MiB + 1 byte by default", 413, undefined, () => post(bytes(1_048_577))],
    ["1 MiB + 1 byte streamed, by default", 413, undefined, () => streamed([bytes(1_048_576), bytes(1)]).request],
  ] as const)("%s → %i", async (_case, status, maxBytes, make) => {
    const { handler: route, endpoint } = handler(maxBytes);
    const response = await route(make());
    expect(response.status).toBe(status);
    if (status === 413) {
      expect(await response.json()).toEqual({
        error: "The request body is too large.",
        code: "PAYLOAD_TOO_LARGE",
        requestId: response.headers.get("x-request-id"),
      });
      expect(endpoint).not.toHaveBeenCalled();
    } else {
      expect(endpoint).toHaveBeenCalledOnce();
    }
  });

  it("refuses an oversized content-length without reading the body", async () => {
    const request = post(bytes(11));
    expect((await handler(10).handler(request)).status).toBe(413);
    expect(request.bodyUsed).toBe(false);
  });

  it("stops holding a streamed body once it is over, and drains the rest instead of cancelling", async () => {
    // Cancelling a body built over a socket destroys the socket, and the 413 never reaches the client.
    const chunks = Array.from({ length: 100 }, () => bytes(4));
    const { request, cancelled } = streamed(chunks);
    const { handler: route, endpoint } = handler(10);
    expect((await route(request)).status).toBe(413);
    await vi.waitFor(() => expect(chunks.length).toBe(0));
    expect(cancelled).not.toHaveBeenCalled();
    expect(endpoint).not.toHaveBeenCalled();
  });

  it("cancels an endless oversized body once draining it outlasts the body timeout", async () => {
    const { request, cancelled } = streamed(() => bytes(1024));
    const route = compose([bodyLimit({ maxBytes: 10, timeoutMs: 50 })], () => new Response(null));
    expect((await route(request)).status).toBe(413);
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalledOnce(), { timeout: 2_000 });
  });

  it.each([
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ["a byte-order mark and CRLF", new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x0d, 0x0a, 0x7d])],
    ["NUL bytes", new Uint8Array([0x00, 0x00, 0x01])],
  ])("hands later layers the bytes exactly as received (%s)", async (_case, sent) => {
    let raw: Uint8Array | undefined;
    for (const request of [post(sent), streamed([sent.slice(0, 1), sent.slice(1)]).request]) {
      await compose([bodyLimit()], (ctx) => {
        raw = ctx.rawBody;
        return new Response(null, { status: 204 });
      })(request);
      expect(raw).toEqual(sent);
    }
  });

  it("reads the body once, however many body layers there are", async () => {
    const request = post("hello");
    const body = request.body as ReadableStream<Uint8Array>;
    const read = vi.spyOn(body, "getReader");
    const response = await compose([bodyLimit(), bodyLimit({ maxBytes: 1 })], (ctx) =>
      Response.json({ length: ctx.rawBody?.byteLength }),
    )(request);
    expect(await response.json()).toEqual({ length: 5 });
    expect(read).toHaveBeenCalledOnce();
  });

  it.each([
    ["reads ctx.request.text() itself", async (request: Request) => void (await request.text())],
    ["reads ctx.request.arrayBuffer()", async (request: Request) => void (await request.arrayBuffer())],
    ["only looks at a header", async (request: Request) => void request.headers.get("x-tenant")],
  ])("bounds the body whoever reads it first: a layer before bodyLimit that %s → 413", async (_case, touch) => {
    let pulled = 0;
    const { request } = streamed(() => {
      pulled += 1;
      return pulled > 10_000 ? undefined : bytes(1024);
    });
    const early = async (ctx: { request: Request }, next: () => Promise<Response>) => {
      await touch(ctx.request);
      return next();
    };
    const endpoint = vi.fn(() => new Response(null));
    const response = await compose([early, bodyLimit({ maxBytes: 4096 })], endpoint)(request);
    expect(response.status).toBe(413);
    expect(endpoint).not.toHaveBeenCalled();
  });

  it("hands a layer that reads ctx.request first and the body layer the same bytes", async () => {
    let early: string | undefined;
    const response = await compose(
      [
        async (ctx, next) => {
          early = await ctx.request.text();
          return next();
        },
        bodyLimit({ maxBytes: 64 }),
      ],
      (ctx) => Response.json({ raw: new TextDecoder().decode(ctx.rawBody), again: ctx.rawBody?.length }),
    )(streamed([new TextEncoder().encode("hel"), new TextEncoder().encode("lo")]).request);
    expect(early).toBe("hello");
    expect(await response.json()).toEqual({ raw: "hello", again: 5 });
  });

  it("answers 408 REQUEST_TIMEOUT when the body stalls past timeoutMs", async () => {
    const stalled = stalledAfter(bytes(3));
    const response = await compose([bodyLimit({ timeoutMs: 50 })], () => new Response(null))(stalled);
    expect(response.status).toBe(408);
    expect(await response.json()).toMatchObject({ code: "REQUEST_TIMEOUT" });
  });

  it("answers 408 to a stalled body that a layer reads through ctx.request before the body layer", async () => {
    const stalled = stalledAfter(bytes(3));
    const early: Middleware = async (ctx, next) => {
      await ctx.request.arrayBuffer();
      return next();
    };
    const response = await compose([audit({ sink: false }), early, bodyLimit({ timeoutMs: 50 })], () =>
      Response.json({}),
    )(stalled);
    expect(response.status).toBe(408);
    expect(await response.json()).toMatchObject({ code: "REQUEST_TIMEOUT" });
  });

  it("audits a Web client that goes away mid-body as rejected / CLIENT_ABORTED / 499, with no stack on the console", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    let sent = false;
    const leaving = new Request("https://app.example/hook", {
      method: "POST",
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) controller.error(new TypeError("terminated"));
          else controller.enqueue(bytes(3));
          sent = true;
        },
      }),
      duplex: "half",
    } as RequestInit);
    const entries: AuditEntry[] = [];
    const endpoint = vi.fn(() => Response.json({}));
    const response = await compose(
      [audit({ sink: (entry) => void entries.push(entry as AuditEntry) }), bodyLimit()],
      endpoint,
    )(leaving);
    expect(response.status).toBe(499);
    expect(endpoint).not.toHaveBeenCalled();
    expect(entries).toEqual([
      expect.objectContaining({ outcome: "rejected", reason: "CLIENT_ABORTED", status: 499, level: "warn" }),
    ]);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it("answers 400 when the stream is longer than its declared content-length (within the limit)", async () => {
    const request = new Request("https://app.example/hook", {
      method: "POST",
      body: streamed([bytes(4), bytes(4)]).request.body,
      headers: { "content-length": "5" },
      duplex: "half",
    } as RequestInit);
    const response = await handler(64).handler(request);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_ERROR" });
  });

  it.each([[0], [-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], ["10" as unknown as number]])(
    "refuses timeoutMs %s with a TypeError",
    (value) => {
      expect(() => bodyLimit({ timeoutMs: value })).toThrow(TypeError);
    },
  );

  it.each([[-1], [1.5], [Number.NaN], ["1024" as unknown as number]])(
    "refuses maxBytes %s with a TypeError",
    (value) => {
      expect(() => bodyLimit({ maxBytes: value })).toThrow(TypeError);
    },
  );
});
