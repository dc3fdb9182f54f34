import { describe, expect, it, vi } from "vitest";
import { compose } from "../http/compose.js";
import { bodyLimit } from "./body-limit.js";

/** A body streamed in chunks, without a content-length, that records whether it was cancelled. */
function streamed(chunks: Uint8Array[]) {
  const cancelled = vi.fn();
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks.shift();
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

  it("stops reading a streamed body as soon as it is over, and cancels the stream", async () => {
    const chunks = Array.from({ length: 100 }, () => bytes(4));
    const { request, cancelled } = streamed(chunks);
    expect((await handler(10).handler(request)).status).toBe(413);
    expect(cancelled).toHaveBeenCalledOnce();
    expect(chunks.length).toBeGreaterThan(90);
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
    const read = vi.spyOn(request, "arrayBuffer");
    const response = await compose([bodyLimit(), bodyLimit({ maxBytes: 1 })], (ctx) =>
      Response.json({ length: ctx.rawBody?.byteLength }),
    )(request);
    expect(await response.json()).toEqual({ length: 5 });
    expect(read).toHaveBeenCalledOnce();
  });

  it.each([[-1], [1.5], [Number.NaN], ["1024" as unknown as number]])(
    "refuses maxBytes %s with a TypeError",
    (value) => {
      expect(() => bodyLimit({ maxBytes: value })).toThrow(TypeError);
    },
  );
});
