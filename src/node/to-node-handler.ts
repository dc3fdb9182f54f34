import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { concatBytes } from "../crypto/encoding.js";
import type { Handler } from "../http/compose.js";
import { routeCore } from "../http/compose.js";
import type { HeaderReader, RequestSource } from "../http/context.js";
import { DeferredResponse } from "../http/deferred-response.js";
import { TollgateError } from "../http/errors.js";
import { jsonTextOf } from "../http/response.js";

/** A Node `(req, res)` listener, as node:http, Express and Connect-style servers call it. */
export type NodeHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
) => Promise<void>;

function headerReader(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

function toWebHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    if (Array.isArray(value)) for (const item of value) result.append(name, item);
    else result.set(name, value);
  }
  return result;
}

/** Reads the request stream once, stopping as soon as it exceeds `maxBytes`. */
function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"]);
  if (declared > maxBytes) return Promise.reject(new TollgateError("PAYLOAD_TOO_LARGE"));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const onData = (chunk: Uint8Array) => {
      total += chunk.length;
      if (total > maxBytes) {
        cleanup();
        req.resume();
        reject(new TollgateError("PAYLOAD_TOO_LARGE"));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Uint8Array) : concatBytes(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Body already consumed by a framework body parser as raw bytes (`express.raw()`), if any. */
function preParsedBody(req: IncomingMessage): Uint8Array | undefined {
  const body = (req as IncomingMessage & { body?: unknown }).body;
  return body instanceof Uint8Array ? body : undefined;
}

function nodeSource(req: IncomingMessage): RequestSource {
  const method = (req.method ?? "GET").toUpperCase();
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const url = `${encrypted ? "https" : "http"}://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
  let bytes = preParsedBody(req);
  let request: Request | undefined;
  return {
    method,
    url,
    headers: headerReader(req.headers),
    async readBody(maxBytes) {
      if (bytes === undefined) {
        bytes = request?.body ? new Uint8Array(await request.arrayBuffer()) : await readNodeBody(req, maxBytes);
      }
      if (bytes.length > maxBytes) throw new TollgateError("PAYLOAD_TOO_LARGE");
      return bytes;
    },
    toRequest() {
      const hasBody = method !== "GET" && method !== "HEAD";
      const body = !hasBody ? undefined : (bytes ?? (req as unknown as AsyncIterable<Uint8Array>));
      request = new Request(url, {
        method,
        headers: toWebHeaders(req.headers),
        body: body as BodyInit,
        duplex: "half",
      } as RequestInit);
      return request;
    },
  };
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  // tollgate's own answer, which no layer turned into a Web Response: write it as it is.
  const parts = response instanceof DeferredResponse ? DeferredResponse.parts(response) : undefined;
  if (parts !== undefined) {
    res.statusCode = parts.status;
    if (parts.headers instanceof Headers) writeHeaders(res, parts.headers);
    else for (const name in parts.headers) res.setHeader(name, parts.headers[name] as string);
    return void res.end(parts.text);
  }
  res.statusCode = response.status;
  writeHeaders(res, response.headers);
  const text = jsonTextOf(response);
  if (text !== undefined) return void res.end(text);
  res.end(response.body === null ? undefined : new Uint8Array(await response.arrayBuffer()));
}

function writeHeaders(res: ServerResponse, headers: Headers): void {
  const cookies = headers.getSetCookie();
  headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
}

/**
 * Adapts a tollgate route to a Node `(req, res)` listener for node:http, Express, Fastify's raw
 * server or Connect. Routes read the socket directly: no Web `Request` is built unless a layer
 * (such as your `auth` resolver) asks for one, and the behaviour and error contract are the same.
 * Mount it before any JSON body parser: signatures are checked against the raw bytes
 * (`express.raw({ type: "*\/*" })` is accepted).
 *
 * @example
 * import { createServer } from "node:http";
 * import { toNodeHandler } from "tollgate/node";
 * createServer(toNodeHandler(createWebhookRoute({ … }))).listen(3000);
 *
 * // Express
 * app.post("/api/webhooks/stripe", toNodeHandler(stripeWebhook));
 */
export function toNodeHandler(route: Handler): NodeHandler {
  if (typeof route !== "function") throw new TypeError("tollgate: toNodeHandler needs a route handler");
  const core = routeCore(route);
  return async function nodeHandler(req, res, next) {
    try {
      const source = nodeSource(req);
      const response = core ? await core(source) : await route(source.toRequest());
      await writeResponse(res, response);
    } catch (error) {
      if (next) return next(error);
      if (!res.headersSent) res.statusCode = 500;
      res.end();
    }
  };
}
