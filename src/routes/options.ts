import type { AuditSink } from "../http/audit-entry.js";
import type { Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import type { TimestampWindowOptions } from "../http/time-window.js";
import { allowMethods } from "../security/allow-methods.js";
import { audit, type SecurityWarningOptions } from "../security/audit.js";
import { bodyLimit, resolveMaxBytes } from "../security/body-limit.js";
import { cors } from "../security/cors.js";
import { idempotency } from "../security/idempotency.js";
import { type RateLimitOptions, rateLimit } from "../security/rate-limit.js";
import { timestampWindow } from "../security/timestamp-window.js";
import type { IdempotencyStore } from "../stores/types.js";

/** Options every route shares. */
export interface RouteSecurityOptions {
  /**
   * Receives one structured entry per request; `false` turns auditing off.
   * @default one JSON line per entry on the console
   */
  audit?: AuditSink | false;
  /** Fixed-window rate limit per source IP (or your `key`). Off unless given. @default false */
  rateLimit?: RateLimitOptions | false;
  /** Browser origins allowed to call the route; `OPTIONS` preflights are answered for them. */
  cors?: { origins: string[] };
  /**
   * Largest accepted request body in bytes (413 `PAYLOAD_TOO_LARGE` beyond it).
   * @default 1_048_576 for webhooks, 16_384 for the JSON routes
   */
  maxBodyBytes?: number;
}

/** Options the two webhook routes share. */
export interface WebhookSecurityOptions extends RouteSecurityOptions {
  /** Duplicate and concurrent-delivery protection keyed by event id; `false` turns it off (not recommended). */
  idempotency?: { store?: IdempotencyStore; ttlMs?: number; leaseMs?: number } | false;
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

/** The outer layers of every route: audit, CORS, method guard, rate limit, body read. */
export function routeLayers(
  options: RouteSecurityOptions & { securityWarning?: SecurityWarningOptions },
  methods: readonly string[],
  defaultBodyLimit: number,
): Middleware[] {
  const layers: Middleware[] = [audit({ sink: options.audit, securityWarning: options.securityWarning })];
  if (options.cors !== undefined) layers.push(cors(options.cors, methods));
  layers.push(allowMethods(methods));
  if (options.rateLimit) layers.push(rateLimit(options.rateLimit));
  layers.push(bodyLimit({ maxBytes: resolveMaxBytes(options.maxBodyBytes, defaultBodyLimit) }));
  return layers;
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
export async function callHost<T>(
  ctx: RouteContext,
  name: string,
  call: () => Promise<T> | T,
  failure: "HANDLER_FAILED" | "INTERNAL_ERROR",
  kind: "read" | "write" = "write",
): Promise<T> {
  if (kind === "write") ctx.audit.mutations.push(name);
  try {
    return await call();
  } catch (error) {
    // Host code decides nothing about the response: even a TollgateError it throws is a failure to
    // process (a 4xx would make Stripe or Svix stop retrying an event that was never applied).
    throw new TollgateError(failure, { cause: error });
  }
}
