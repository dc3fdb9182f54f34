import type { AuditRecord, RouteName } from "./audit-entry.js";
import { readRequestBody } from "./body.js";

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
   * The Web request. Under `tollgate/node` it is built lazily on first access, so layers on the hot
   * path read `method`, `headers` and `url` instead.
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
  /** First hop of `x-forwarded-for`, else `x-real-ip`, else `cf-connecting-ip`; null if none. */
  readonly sourceIp: string | null;
  /** Milliseconds since the epoch when the request arrived (`Date.now()`, so fake timers apply). */
  readonly receivedAt: number;
  /** The body exactly as received, once a body layer has read it. */
  rawBody: Uint8Array | undefined;
  /**
   * Reads the body once, refusing more than `maxBytes` with 413 `PAYLOAD_TOO_LARGE`. Web requests
   * read `request.body`; the Node adapter reads the socket directly.
   */
  readBody(maxBytes: number): Promise<Uint8Array>;
  /** The audit entry being built. */
  readonly audit: AuditRecord;
  /** Headers every response of this request gets, error responses included (CORS, rate limit). */
  readonly responseHeaders: Headers;
  state: CoreState & Partial<S>;
}

/** Reads the client IP the way common proxies report it. The value is only as trustworthy as your proxy. */
export function sourceIpOf(headers: HeaderReader): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded) {
    const first = forwarded.split(",")[0]?.trim();
    if (first) return first;
  }
  return headers.get("x-real-ip")?.trim() || headers.get("cf-connecting-ip")?.trim() || null;
}

/** The part of `Headers` the layers need; `Headers` itself satisfies it. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * Where a request comes from when it is not a Web `Request` (the Node adapter): its method, URL,
 * headers and body reader, and a way to build the `Request` only if a layer asks for it.
 */
export interface RequestSource {
  method: string;
  url: string;
  headers: HeaderReader;
  readBody(maxBytes: number): Promise<Uint8Array>;
  toRequest(): Request;
}

function webSource(request: Request): RequestSource {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    readBody: (maxBytes) => readRequestBody(request, maxBytes),
    toRequest: () => request,
  };
}

export function createContext(input: Request | RequestSource, route: RouteName): RouteContext {
  const source = input instanceof Request ? webSource(input) : input;
  const receivedAt = Date.now();
  const requestId = crypto.randomUUID();
  const sourceIp = sourceIpOf(source.headers);
  const method = source.method.toUpperCase();
  let request: Request | undefined;
  return {
    get request() {
      request ??= source.toRequest();
      return request;
    },
    method,
    headers: source.headers,
    url: source.url,
    route,
    requestId,
    sourceIp,
    receivedAt,
    rawBody: undefined,
    readBody: (maxBytes) => source.readBody(maxBytes),
    audit: {
      requestId,
      timestamp: new Date(receivedAt).toISOString(),
      route,
      method,
      sourceIp,
      mutations: [],
    },
    responseHeaders: new Headers(),
    state: {},
  };
}
