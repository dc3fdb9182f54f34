/** What `onError` learns about a failure besides its cause. */
export interface ErrorInfo {
  /** The request's id, as in its audit entry, its `x-request-id` header and its error body. */
  requestId: string;
  /** The route, as in its audit entry (`"checkout"`, `"stripe-webhook"`, …). */
  route: string;
  /** The error code answered (`INTERNAL_ERROR`, `HANDLER_FAILED`, …), or `COMPLETE_FAILED`. */
  code: string;
}

/**
 * Receives the cause of every 5xx answer (a driver error may hold an email or a connection string,
 * so the default console line may not be where you want it). It must not throw; what it throws is
 * ignored.
 */
export type ErrorReporter = (error: unknown, info: ErrorInfo) => void;

/** The parts of a request context a report needs. */
export interface ReportTarget {
  readonly requestId: string;
  readonly route: string;
  readonly onError: ErrorReporter | undefined;
}

/**
 * Sends a failure's cause to the route's `onError`, or, when there is none, writes one line on the
 * console. With `onError` set the library writes nothing else for it.
 */
export function reportError(target: ReportTarget, error: unknown, code: string): void {
  const { onError } = target;
  if (onError !== undefined) {
    try {
      onError(error, { requestId: target.requestId, route: target.route, code });
    } catch {
      // A failing reporter must not turn into a second failure.
    }
    return;
  }
  console.error(`[tollgate] ${code} requestId=${target.requestId}`, error ?? "");
}

/** Checks `onError` at creation. */
export function assertErrorReporter(value: unknown): ErrorReporter | undefined {
  if (value !== undefined && typeof value !== "function") throw new TypeError("tollgate: onError must be a function");
  return value as ErrorReporter | undefined;
}
