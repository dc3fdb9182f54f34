import { LRUCache } from "lru-cache";
import type { AuditEntry, AuditOutcome, AuditSink, SecurityWarningEntry } from "../http/audit-entry.js";
import type { Middleware } from "../http/compose.js";
import type { RouteContext } from "../http/context.js";
import { toTollgateError } from "../http/errors.js";
import { errorResponse } from "../http/response.js";

export interface SecurityWarningOptions {
  /** Signature failures from one IP that trigger a warning entry. @default 5 */
  threshold?: number;
  /** Window, in milliseconds, the failures must fall in. @default 300_000 (5 minutes) */
  windowMs?: number;
}

export interface AuditOptions {
  /**
   * Receives one entry per request. `false` turns auditing off.
   * @default one JSON line per entry on the console (`console.warn` for warnings, `console.info` otherwise)
   */
  sink?: AuditSink | false;
  /** Warn when one IP keeps sending bad signatures (someone probing for the secret). */
  securityWarning?: SecurityWarningOptions;
}

/** Writes each entry as one JSON line on the console. */
export const consoleAuditSink: AuditSink = (entry) => {
  const line = JSON.stringify(entry);
  if (entry.level === "info") console.info(line);
  else console.warn(line);
};

function emit(sink: AuditSink, entry: AuditEntry | SecurityWarningEntry): void {
  try {
    const result = sink(entry);
    if (result && typeof (result as Promise<void>).catch === "function") (result as Promise<void>).catch(() => {});
  } catch {
    // A failing sink never fails the request.
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`tollgate: securityWarning.${name} must be a positive number`);
  }
  return value;
}

/** Counts `INVALID_SIGNATURE` failures per IP in a bounded LRU, and says when one reaches the threshold. */
function failureTracker(options: SecurityWarningOptions = {}) {
  const threshold = positive(options.threshold, 5, "threshold");
  const windowMs = positive(options.windowMs, 300_000, "windowMs");
  const failures = new LRUCache<string, number[]>({ max: 10_000 });
  return function record(ctx: RouteContext): SecurityWarningEntry | null {
    const ip = ctx.sourceIp ?? "unknown";
    const now = Date.now();
    const recent = (failures.get(ip) ?? []).filter((at) => now - at < windowMs);
    recent.push(now);
    if (recent.length < threshold) {
      failures.set(ip, recent);
      return null;
    }
    failures.delete(ip); // start counting afresh so a sustained attack warns once per `threshold` failures
    return {
      level: "warn",
      kind: "repeated-signature-failures",
      route: ctx.route,
      sourceIp: ctx.sourceIp,
      count: recent.length,
      windowMs,
      timestamp: new Date(now).toISOString(),
    };
  };
}

function outcomeOf(status: number, recorded: AuditOutcome | undefined): AuditOutcome {
  if (status >= 500) return "error";
  if (status >= 400) return "rejected";
  return recorded ?? "processed";
}

/**
 * The outermost layer: turns anything thrown below into the JSON error response, then emits exactly
 * one structured entry for the request (and a warning entry when one IP keeps failing signatures).
 * Entries never contain bodies, secrets, signatures or full emails.
 *
 * @example
 * compose([audit({ sink: (entry) => logger.info(entry) }), …], endpoint);
 */
export function audit(options: AuditOptions = {}): Middleware {
  if (options.sink !== undefined && options.sink !== false && typeof options.sink !== "function") {
    throw new TypeError("tollgate: audit must be a function or false");
  }
  const sink = options.sink === false ? null : (options.sink ?? consoleAuditSink);
  const recordFailure = failureTracker(options.securityWarning);
  return async function audit(ctx, next) {
    const started = performance.now();
    let response: Response;
    let reason: string | undefined;
    try {
      response = await next();
    } catch (error) {
      reason = toTollgateError(error).code;
      response = errorResponse(ctx, error);
    }
    const warning = reason === "INVALID_SIGNATURE" ? recordFailure(ctx) : null;
    if (sink !== null) {
      const status = response.status;
      // The record the layers filled becomes the entry in place: copying it (a spread of a dozen
      // fields added one by one) cost more than everything else the layer does.
      const entry = ctx.audit as AuditEntry;
      entry.level = status >= 500 ? "error" : status >= 400 ? "warn" : (entry.level ?? "info");
      entry.outcome = outcomeOf(status, entry.outcome);
      entry.status = status;
      entry.processingTimeMs = Math.round((performance.now() - started) * 1000) / 1000;
      if (reason !== undefined && entry.outcome !== "processed") entry.reason = reason;
      emit(sink, entry);
      if (warning) emit(sink, warning);
    }
    return response;
  };
}
