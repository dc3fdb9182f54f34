import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Handler } from "../http/compose.js";
import { routeCore } from "../http/compose.js";
import type { HeaderReader, RequestSource } from "../http/context.js";
import { DeferredResponse } from "../http/deferred-response.js";
import { jsonTextOf } from "../http/response.js";
import { nodeBody } from "./node-body.js";

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
    try {
      if (Array.isArray(value)) for (const item of value) result.append(name, item);
      else result.set(name, value);
    } catch {
      // A header value Node accepted but the Fetch API refuses: layers read headers through `ctx.headers`.
    }
  }
  return result;
}

// A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could start a
// path, a query or userinfo.
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The absolute URL of a Node request, built from the request line: the path and query are
 * `req.url`'s (an absolute-form target keeps only its path and query); the `Host` header only
 * names the origin, and one that is not a plain host[:port] is replaced by `localhost`.
 */
export function requestUrl(req: IncomingMessage): string {
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const host = req.headers.host;
  const origin = `${encrypted ? "https" : "http"}://${typeof host === "string" && HOST.test(host) ? host : "localhost"}`;
  let target = req.url ?? "/";
  if (!target.startsWith("/")) {
    try {
      const absolute = new URL(target);
      target = `${absolute.pathname}${absolute.search}`;
    } catch {
      target = "/";
    }
  }
  try {
    return new URL(`${origin}${target}`).href;
  } catch {
    return `${origin}/`;
  }
}

function nodeSource(req: IncomingMessage): RequestSource {
  const method = (req.method ?? "GET").toUpperCase();
  const url = requestUrl(req);
  return {
    method,
    url,
    headers: headerReader(req.headers),
    remoteAddress: req.socket?.remoteAddress ?? null,
    body: () => nodeBody(req),
    toRequest: (body) =>
      new Request(url, {
        method,
        headers: toWebHeaders(req.headers),
        body: body ?? undefined,
        duplex: "half",
      } as RequestInit),
  };
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  // 499: the client is gone; there is nobody to answer.
  if (response.status === 499 || res.destroyed) {
    if (!res.writableEnded) res.end();
    return;
  }
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
 * The socket's address is the source IP when no trusted proxy header names one.
 *
 * Mount it before any body parser: signatures are checked against the raw bytes
 * (`express.raw({ type: "*\/*" })` is accepted). A body a parser such as `express.json()` already
 * consumed answers 500 `CONFIGURATION_ERROR` at once, with a logged cause saying so. The returned
 * promise never rejects.
 *
 * @example
 * import { createServer } from "node:http";
 * import { toNodeHandler } from "tollgate/node";
 * createServer(toNodeHandler(createWebhookRoute({ … }))).listen(3000);
 *
 * // Express: before app.use(express.json())
 * app.post("/api/webhooks/stripe", toNodeHandler(stripeWebhook));
 */
export function toNodeHandler(route: Handler): NodeHandler {
  if (typeof route !== "function") throw new TypeError("tollgate: toNodeHandler needs a route handler");
  const core = routeCore(route);
  return async function nodeHandler(req, res, next) {
    try {
      const source = nodeSource(req);
      const response = core ? await core(source) : await route(plainRequest(source));
      await writeResponse(res, response);
    } catch (error) {
      try {
        if (next) return next(error);
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      } catch {
        res.destroy();
      }
    }
  };
}

// A handler not made by `compose` reads the request itself: give it the body chunk by chunk as it
// arrives (paused in between). Its size and time limits are that handler's own: tollgate's bounded
// reader belongs to the routes `compose` made.
function plainRequest(source: RequestSource): Request {
  const body = source.body();
  if (body === null) return source.toRequest(null);
  if (body instanceof Uint8Array) return source.toRequest(body as BodyInit);
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const result = await body.read();
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      } catch (error) {
        controller.error(error);
      }
    },
  });
  return source.toRequest(stream);
}
