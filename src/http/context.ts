import type { AuditRecord, RouteName } from "./audit-entry.js";
import { type BodyTap, type ChunkSource, createBodyTap, webChunkSource } from "./body.js";
import { TollgateError } from "./errors.js";
import type { ErrorReporter } from "./report-error.js";
import { normalizeIp, type SourceIpOptions, sourceIpOf } from "./source-ip.js";

/** State the built-in layers fill in; your own middlewares may add fields through the type parameter. */
export interface CoreState {
  /** Unix seconds from the verified signature header. */
  signedAt?: number;
  /** Id the idempotency layer claims (already namespaced, e.g. `stripe:evt_…`). */
  idempotencyKey?: string;
  /** The verified, parsed event. */
  event?: unknown;
}

/**
 * Everything a middleware sees about one request. Created once per request by `compose`.
 */
export interface RouteContext<S extends object = Record<never, never>> {
  /**
   * The Web request. Built lazily when the route runs under `tollgate/node`, so layers on the hot
   * path read `method`, `headers` and `url` instead. Its body, whoever reads it first, is read by
   * the same bounded reader as `readBody` (the route's size limit and `bodyTimeoutMs` apply).
   */
  readonly request: Request;
  /** The HTTP method, upper-case. */
  readonly method: string;
  /** Case-insensitive request header lookup. */
  readonly headers: HeaderReader;
  /** The request URL (absolute). */
  readonly url: string;
  readonly route: RouteName;
  /** A random UUID, echoed as `x-request-id` and in every error body. */
  readonly requestId: string;
  /**
   * The client address: `clientIp(request)` when configured, else the `proxyHops`-th entry from
   * the right of `x-forwarded-for`, else `x-real-ip`, else the socket address (`tollgate/node`);
   * null when unknown.
   */
  readonly sourceIp: string | null;
  /** Milliseconds since the epoch when the request arrived (`Date.now()`, so fake timers apply). */
  readonly receivedAt: number;
  /** The body exactly as received, once a body layer has read it. */
  rawBody: Uint8Array | undefined;
  /**
   * Reads the body once, refusing more than `maxBytes` with 413 `PAYLOAD_TOO_LARGE` (counted as it
   * arrives, whatever `content-length` says) and a body slower than the route's `bodyTimeoutMs`
   * with 408 `REQUEST_TIMEOUT`.
   */
  readBody(maxBytes: number): Promise<Uint8Array>;
  /** The audit entry being built. */
  readonly audit: AuditRecord;
  /** Headers every response of this request gets, error responses included (CORS, rate limit). */
  readonly responseHeaders: Headers;
  /** The route's `onError`, if any: where the causes of 5xx answers go instead of the console. */
  readonly onError: ErrorReporter | undefined;
  state: CoreState & Partial<S>;
}

/** The part of `Headers` the layers need; `Headers` itself satisfies it. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * Where a request comes from when it is not a Web `Request` (the Node adapter): its method, URL,
 * headers, socket address and body, and a way to build the `Request` only if a layer asks for it.
 */
export interface RequestSource {
  method: string;
  url: string;
  headers: HeaderReader;
  /** The peer address of the connection, used when no trusted proxy header names the client. */
  remoteAddress?: string | null;
  /**
   * The body: bytes a framework already holds, a chunk source to read it from, or null for none.
   * Called at most once; may throw (e.g. a body a parser consumed is a `CONFIGURATION_ERROR`).
   */
  body(): Uint8Array | ChunkSource | null;
  /** A Web `Request` for this source carrying `body`. */
  toRequest(body: BodyInit | null): Request;
}

/** Per-route settings of the context, resolved once by `compose`. */
export interface ContextOptions extends SourceIpOptions {
  /** Limit of a body read through `ctx.request` before any layer read it. */
  maxBodyBytes?: number;
  /** How long the body may take to arrive. */
  bodyTimeoutMs?: number;
  onError?: ErrorReporter;
}

const NO_BODY = new Set(["GET", "HEAD"]);

function webSource(request: Request): RequestSource {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    body: () => (request.body === null ? null : webChunkSource(request.body)),
    toRequest: (body) => (body === null ? request : new Request(request, { body, duplex: "half" } as RequestInit)),
  };
}

function resolveSourceIp(source: RequestSource, options: ContextOptions, request: () => Request): string | null {
  if (options.clientIp !== undefined) {
    try {
      return normalizeIp(options.clientIp(request()) ?? null) ?? null;
    } catch {
      return null;
    }
  }
  const proxied = sourceIpOf(source.headers, options.proxyHops ?? 1);
  return proxied ?? normalizeIp(source.remoteAddress ?? null);
}

export function createContext(
  input: Request | RequestSource,
  route: RouteName,
  options: ContextOptions = {},
): RouteContext {
  const source = input instanceof Request ? webSource(input) : input;
  const receivedAt = Date.now();
  const requestId = crypto.randomUUID();
  const method = source.method.toUpperCase();
  let request: Request | undefined;
  let tap: BodyTap | undefined;
  let bytes: Uint8Array | undefined;
  let rawBody: Uint8Array | undefined;
  let bodyless = false;

  const openTap = (): BodyTap => {
    if (tap === undefined) {
      let body: Uint8Array | ChunkSource | null;
      try {
        body = source.body();
      } catch (error) {
        tap = failedTap(error);
        return tap;
      }
      if (body instanceof Uint8Array) bytes = body;
      bodyless = body === null;
      tap = createBodyTap(body instanceof Uint8Array ? null : body, {
        declared: source.headers.get("content-length"),
        maxBytes: options.maxBodyBytes,
        timeoutMs: options.bodyTimeoutMs,
      });
    }
    return tap;
  };
  const readBody = async (maxBytes: number): Promise<Uint8Array> => {
    const opened = openTap();
    if (bytes !== undefined) {
      if (bytes.byteLength > maxBytes) throw new TollgateError("PAYLOAD_TOO_LARGE");
      return bytes;
    }
    return opened.read(maxBytes);
  };
  const getRequest = (): Request => {
    if (request === undefined) {
      const known = rawBody ?? bytes;
      if (NO_BODY.has(method)) request = source.toRequest(null);
      else if (known !== undefined) request = source.toRequest(known as BodyInit);
      else {
        const opened = openTap();
        if (bodyless) request = source.toRequest(null);
        else request = source.toRequest(bytes !== undefined ? (bytes as BodyInit) : opened.stream());
      }
    }
    return request;
  };
  const sourceIp = resolveSourceIp(source, options, getRequest);
  return {
    get request() {
      return getRequest();
    },
    method,
    headers: source.headers,
    url: source.url,
    route,
    requestId,
    sourceIp,
    receivedAt,
    get rawBody() {
      return rawBody;
    },
    set rawBody(value) {
      rawBody = value;
    },
    readBody,
    audit: {
      requestId,
      timestamp: new Date(receivedAt).toISOString(),
      route,
      method,
      sourceIp,
      mutations: [],
    },
    responseHeaders: new Headers(),
    onError: options.onError,
    state: {},
  };
}

/** A tap that can only answer with the error its source raised (a consumed Node body). */
function failedTap(error: unknown): BodyTap {
  const rejected = () => Promise.reject(error);
  return {
    failure: undefined,
    read: rejected,
    stream: () =>
      new ReadableStream({
        start(controller) {
          controller.error(error);
        },
      }),
  };
}
