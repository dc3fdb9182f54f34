import type { AuditSink } from "../http/audit-entry.js";
import type { ComposeOptions, Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import type { ErrorReporter } from "../http/report-error.js";
import type { TimestampWindowOptions } from "../http/time-window.js";
import { allowMethods } from "../security/allow-methods.js";
import { audit, type SecurityWarningOptions } from "../security/audit.js";
import { bodyLimit, resolveMaxBytes } from "../security/body-limit.js";
import { cors } from "../security/cors.js";
import { idempotency } from "../security/idempotency.js";
import { noStore } from "../security/no-store.js";
import { ANONYMOUS_RATE_LIMIT, type RateLimitOptions, rateLimit } from "../security/rate-limit.js";
import { timestampWindow } from "../security/timestamp-window.js";
import type { IdempotencyStore } from "../stores/types.js";

/** Options every route shares. */
export interface RouteSecurityOptions {
  /**
   * Receives one structured entry per request; `false` turns auditing off.
   * @default one JSON line per entry on the console
   */
  audit?: AuditSink | false;
  /**
   * Fixed-window rate limit per source IP (or your `key`); `false` turns it off on purpose.
   * @default off, except on the status and checkout routes without `auth`: 30 requests a minute
   * per source IP (not applied when the source IP is unknown)
   */
  rateLimit?: RateLimitOptions | false;
  /** Browser origins allowed to call the route; `OPTIONS` preflights are answered for them. */
  cors?: { origins: string[] };
  /**
   * Largest accepted request body in bytes (413 `PAYLOAD_TOO_LARGE` beyond it).
   * @default 1_048_576 for webhooks, 16_384 for the JSON routes
   */
  maxBodyBytes?: number;
  /**
   * Milliseconds the request body may take to arrive (from the first read); a stalled upload
   * answers 408 `REQUEST_TIMEOUT` instead of holding a socket and a handler. A positive integer.
   * @default 10_000
   */
  bodyTimeoutMs?: number;
  /**
   * How many proxies you run in front of the app, each appending to `x-forwarded-for`. The source
   * IP (audit `sourceIp`, the default rate-limit key, the repeated-failure warning) is the
   * `proxyHops`-th entry from the right, which a client cannot forge behind an appending proxy;
   * `0` trusts no header (a Node server facing the internet: the socket address is used). See
   * docs/security.md, "Deploying behind proxies".
   * @default 1
   */
  proxyHops?: number;
  /**
   * Decides the source IP yourself, replacing the resolution entirely (e.g.
   * `(request) => request.headers.get("cf-connecting-ip")`); null when unknown. Trusted as given.
   */
  clientIp?: (request: Request) => string | null | undefined;
  /**
   * Receives the cause of every 5xx answer (the thrown object, e.g. a driver error that may hold
   * an email or a connection string) with `{ requestId, route, code }`, and the cause of a failed
   * idempotency `complete` (code `COMPLETE_FAILED`). When set, the library writes nothing to the
   * console for these failures (the audit sink aside). What it throws is ignored.
   * @default one `console.error` line per failure
   */
  onError?: ErrorReporter;
}

/** Options the two webhook routes share. */
export interface WebhookSecurityOptions extends RouteSecurityOptions {
  /**
   * Duplicate and concurrent-delivery protection keyed by event id; `false` turns it off (not
   * recommended). `timeoutMs` bounds each store call (→ 503 `STORE_UNAVAILABLE`, default 5 000).
   */
  idempotency?: { store?: IdempotencyStore; ttlMs?: number; leaseMs?: number; timeoutMs?: number } | false;
  /** Replay window around the signed timestamp. @default { pastSeconds: 300, futureSeconds: 60 } */
  timestampWindow?: TimestampWindowOptions;
  /** When to warn about one IP failing signatures repeatedly. @default { threshold: 5, windowMs: 300_000 } */
  securityWarning?: SecurityWarningOptions;
}

/** The context a webhook event handler receives beside the event's data. */
export interface WebhookHandlerContext<E = unknown> {
  /** Stripe `event.id`, or Clerk's `svix-id`: record it with your writes for exactly-once effects. */
  eventId: string;
  eventType: string;
  requestId: string;
  /** The signed timestamp of the delivery. */
  timestamp: Date;
  /** The whole verified event. */
  event: E;
}

export function assertObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`tollgate: ${name} must be an object`);
  }
}

export function assertFunction(value: unknown, name: string, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== "function") throw new TypeError(`tollgate: ${name} must be a function`);
}

export function assertOptionalString(value: unknown, name: string): void {
  if (value !== undefined && value !== null && typeof value !== "string") {
    throw new TypeError(`tollgate: ${name} must be a string`);
  }
}

/** What a route adds to the shared outer layers. */
export interface RouteLayerExtras {
  /** `Cache-Control` of every response. */
  cacheControl?: string;
  /** The factory's name when it answers anonymous callers (no `auth`): a default rate limit and a notice. */
  anonymous?: string;
}

const noticed = new Set<string>();

/** The outer layers of every route: audit, cache control, CORS, method guard, rate limit, body read. */
export function routeLayers(
  options: RouteSecurityOptions & { securityWarning?: SecurityWarningOptions },
  methods: readonly string[],
  defaultBodyLimit: number,
  extras: RouteLayerExtras = {},
): Middleware[] {
  const layers: Middleware[] = [audit({ sink: options.audit, securityWarning: options.securityWarning })];
  if (extras.cacheControl !== undefined) layers.push(noStore(extras.cacheControl));
  if (options.cors !== undefined) layers.push(cors(options.cors, methods));
  layers.push(allowMethods(methods));
  if (options.rateLimit) layers.push(rateLimit(options.rateLimit));
  else if (options.rateLimit === undefined && extras.anonymous !== undefined) {
    layers.push(rateLimit(ANONYMOUS_RATE_LIMIT, { skipUnknownSource: true }));
  }
  if (extras.anonymous !== undefined && !noticed.has(extras.anonymous)) {
    noticed.add(extras.anonymous);
    console.warn(
      `[tollgate] ${extras.anonymous} has no auth: it answers for any email it is given. ` +
        (options.rateLimit === undefined
          ? `A per-IP limit of ${ANONYMOUS_RATE_LIMIT.limit} requests a minute applies; `
          : "") +
        "pass auth to act for the signed-in user only (docs/security.md).",
    );
  }
  layers.push(
    bodyLimit({
      maxBytes: resolveMaxBytes(options.maxBodyBytes, defaultBodyLimit),
      timeoutMs: options.bodyTimeoutMs,
    }),
  );
  return layers;
}

/** The `compose` options of a route: its audit name, source-IP settings and error reporter. */
export function routeOptions(options: RouteSecurityOptions, route: string): ComposeOptions {
  return { route, proxyHops: options.proxyHops, clientIp: options.clientIp, onError: options.onError };
}

/** The layers after the signature: replay window, then (after the payload layer) idempotency. */
export function webhookLayers(options: WebhookSecurityOptions): { window: Middleware; idempotency: Middleware | null } {
  return {
    window: timestampWindow(options.timestampWindow),
    idempotency: options.idempotency === false ? null : idempotency(options.idempotency ?? {}),
  };
}

/**
 * Calls a host adapter or event handler and turns whatever it throws into `failure` (the cause is
 * logged, never returned). Writes and handlers are recorded in the audit entry's `mutations`; reads
 * are not.
 */
export function callHost<T>(
  ctx: RouteContext,
  name: string,
  call: () => Promise<T> | T,
  failure: "HANDLER_FAILED" | "INTERNAL_ERROR",
  kind: "read" | "write" = "write",
): Promise<T> {
  if (kind === "write") ctx.audit.mutations.push(name);
  // Host code decides nothing about the response: even a TollgateError it throws is a failure to
  // process (a 4xx would make Stripe or Svix stop retrying an event that was never applied).
  const wrap = failure === "HANDLER_FAILED" ? handlerFailed : internalError;
  let result: Promise<T> | T;
  try {
    result = call();
  } catch (error) {
    return Promise.reject(new TollgateError(failure, { cause: error }));
  }
  // Not async: one derived promise instead of an async frame per adapter call.
  return Promise.resolve(result).then(undefined, wrap);
}

function handlerFailed(cause: unknown): never {
  throw new TollgateError("HANDLER_FAILED", { cause });
}

function internalError(cause: unknown): never {
  throw new TollgateError("INTERNAL_ERROR", { cause });
}
