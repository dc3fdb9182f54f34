import type { AuditRecord, RouteName } from "./audit-entry.js";
import { type BodyTap, type ChunkSource, webChunkSource } from "./body.js";
import { createBodyTap } from "./body-tap.js";
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
   * with 408 `REQUEST_TIMEOUT`. A method of the context: call it as `ctx.readBody(n)`.
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

/**
 * A Web request as a `RequestSource`: the context reads its method, URL and headers directly and
 * builds nothing for the hot path.
 */
class WebSource implements RequestSource {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderReader;
  readonly #request: Request;

  constructor(request: Request) {
    this.#request = request;
    this.method = request.method;
    this.url = request.url;
    this.headers = request.headers;
  }

  body(): ChunkSource | null {
    const body = this.#request.body;
    return body === null ? null : webChunkSource(body);
  }

  toRequest(body: BodyInit | null): Request {
    return body === null ? this.#request : new Request(this.#request, { body, duplex: "half" } as RequestInit);
  }
}

/**
 * The per-request context. A class, so that its accessors (`request`, `responseHeaders`) live on
 * the prototype: an object literal with accessors is built on V8's slow path, which cost more per
 * request than everything the context holds.
 */
class Context implements RouteContext {
  readonly method: string;
  readonly headers: HeaderReader;
  readonly url: string;
  readonly route: RouteName;
  readonly requestId: string;
  readonly sourceIp: string | null;
  readonly receivedAt: number;
  rawBody: Uint8Array | undefined = undefined;
  readonly audit: AuditRecord;
  readonly onError: ErrorReporter | undefined;
  state: CoreState = {};
  readonly #source: RequestSource;
  readonly #options: ContextOptions;
  #request: Request | undefined;
  #tap: BodyTap | undefined;
  #bytes: Uint8Array | undefined;
  #bodyless = false;
  #responseHeaders: Headers | undefined;

  constructor(source: RequestSource, route: RouteName, options: ContextOptions) {
    this.#source = source;
    this.#options = options;
    this.receivedAt = Date.now();
    this.requestId = crypto.randomUUID();
    this.method = source.method.toUpperCase();
    this.headers = source.headers;
    this.url = source.url;
    this.route = route;
    this.onError = options.onError;
    this.sourceIp = resolveSourceIp(source, options, () => this.request);
    this.audit = {
      requestId: this.requestId,
      timestamp: isoTime(this.receivedAt),
      route,
      method: this.method,
      sourceIp: this.sourceIp,
      mutations: [],
    };
  }

  get request(): Request {
    if (this.#request === undefined) {
      const source = this.#source;
      const known = this.rawBody ?? this.#bytes;
      if (NO_BODY.has(this.method)) this.#request = source.toRequest(null);
      else if (known !== undefined) this.#request = source.toRequest(known as BodyInit);
      else {
        const opened = this.#openTap();
        if (this.#bodyless) this.#request = source.toRequest(null);
        else this.#request = source.toRequest(this.#bytes !== undefined ? (this.#bytes as BodyInit) : opened.stream());
      }
    }
    return this.#request;
  }

  get responseHeaders(): Headers {
    this.#responseHeaders ??= new Headers();
    return this.#responseHeaders;
  }

  /** The response headers layers set, or undefined when none did (nothing to copy). */
  static responseHeadersOf(ctx: RouteContext): Headers | undefined {
    return ctx instanceof Context ? ctx.#responseHeaders : ctx.responseHeaders;
  }

  readBody(maxBytes: number): Promise<Uint8Array> {
    const opened = this.#openTap();
    const bytes = this.#bytes;
    if (bytes !== undefined) {
      return bytes.byteLength > maxBytes
        ? Promise.reject(new TollgateError("PAYLOAD_TOO_LARGE"))
        : Promise.resolve(bytes);
    }
    return opened.read(maxBytes);
  }

  #openTap(): BodyTap {
    if (this.#tap === undefined) {
      let body: Uint8Array | ChunkSource | null;
      try {
        body = this.#source.body();
      } catch (error) {
        this.#tap = failedTap(error);
        return this.#tap;
      }
      if (body instanceof Uint8Array) this.#bytes = body;
      this.#bodyless = body === null;
      this.#tap = createBodyTap(body instanceof Uint8Array ? null : body, {
        declared: this.#source.headers.get("content-length"),
        maxBytes: this.#options.maxBodyBytes,
        timeoutMs: this.#options.bodyTimeoutMs,
      });
    }
    return this.#tap;
  }
}

/** The response headers layers set on `ctx`, or undefined when none did. */
export const responseHeadersOf = Context.responseHeadersOf;

// ISO time of the last millisecond asked for: requests arriving in the same millisecond share it.
let lastIsoAt = Number.NaN;
let lastIso = "";
function isoTime(at: number): string {
  if (at !== lastIsoAt) {
    lastIso = new Date(at).toISOString();
    lastIsoAt = at;
  }
  return lastIso;
}

export function createContext(
  input: Request | RequestSource,
  route: RouteName,
  options: ContextOptions = {},
): RouteContext {
  return new Context(input instanceof Request ? new WebSource(input) : input, route, options);
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
