/**
 * Every error code tollgate answers with, and the HTTP status each one maps to.
 * This table is the contract of `docs/errors.md`; change it only on purpose.
 */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  MISSING_SIGNATURE: 400,
  INVALID_SIGNATURE: 400,
  TIMESTAMP_TOO_OLD: 400,
  TIMESTAMP_IN_FUTURE: 400,
  INVALID_PAYLOAD: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EVENT_IN_FLIGHT: 409,
  ALREADY_SUBSCRIBED: 409,
  PAYLOAD_TOO_LARGE: 413,
  REQUEST_TIMEOUT: 408,
  CLIENT_ABORTED: 499,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  CONFIGURATION_ERROR: 500,
  HANDLER_FAILED: 500,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
  STORE_UNAVAILABLE: 503,
} as const;

/** A tollgate error code; see `docs/errors.md` for what a client should do with each. */
export type ErrorCode = keyof typeof ERROR_STATUS;

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_ERROR: "The request is invalid.",
  MISSING_SIGNATURE: "The webhook signature header is missing.",
  INVALID_SIGNATURE: "The webhook signature is invalid.",
  TIMESTAMP_TOO_OLD: "The webhook timestamp is too old.",
  TIMESTAMP_IN_FUTURE: "The webhook timestamp is too far in the future.",
  INVALID_PAYLOAD: "The webhook payload is not a valid event.",
  UNAUTHORIZED: "Authentication is required.",
  FORBIDDEN: "You may not act for this account.",
  NOT_FOUND: "Not found.",
  METHOD_NOT_ALLOWED: "Method not allowed.",
  EVENT_IN_FLIGHT: "This event is being processed by another request; retry later.",
  ALREADY_SUBSCRIBED: "This account already has an active subscription.",
  PAYLOAD_TOO_LARGE: "The request body is too large.",
  REQUEST_TIMEOUT: "The request body did not arrive in time.",
  CLIENT_ABORTED: "The client closed the connection before the body arrived.",
  UNSUPPORTED_MEDIA_TYPE: "The request body must be application/json.",
  RATE_LIMITED: "Too many requests; retry later.",
  CONFIGURATION_ERROR: "The server is not configured correctly.",
  HANDLER_FAILED: "The event could not be processed; it will be retried.",
  INTERNAL_ERROR: "Internal server error.",
  UPSTREAM_ERROR: "The payment provider could not complete the request.",
  STORE_UNAVAILABLE: "A required store is unavailable; retry later.",
};

/** Field name → messages, as returned in `details` of a `VALIDATION_ERROR`. */
export type ErrorDetails = Record<string, string[]>;

export interface TollgateErrorOptions {
  /** Public, human message. Never put upstream messages, secrets or user data here. */
  message?: string;
  /** The underlying error. Logged on the server, never sent to the client. */
  cause?: unknown;
  /** Field → messages; only sent for `VALIDATION_ERROR`. */
  details?: ErrorDetails;
}

/**
 * The one error class tollgate throws. Its HTTP status comes from the code table, its
 * message is safe to show a client, and its `cause` is only ever logged.
 *
 * @example
 * throw new TollgateError("FORBIDDEN", { message: "You may only check your own subscription." });
 */
export class TollgateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, options: TollgateErrorOptions = {}) {
    super(
      options.message ?? DEFAULT_MESSAGES[code],
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "TollgateError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
  }
}

/** True for a `TollgateError`, also across duplicated copies of the package. */
export function isTollgateError(error: unknown): error is TollgateError {
  return (
    error instanceof TollgateError ||
    (error instanceof Error &&
      error.name === "TollgateError" &&
      typeof (error as TollgateError).code === "string" &&
      (error as TollgateError).code in ERROR_STATUS)
  );
}

/** What the body reader answers with; they win over whatever host code made of them. */
const BODY_FAILURES: ReadonlySet<string> = new Set(["PAYLOAD_TOO_LARGE", "REQUEST_TIMEOUT", "CLIENT_ABORTED"]);

/**
 * The `TollgateError` an arbitrary thrown value stands for: itself, or `INTERNAL_ERROR` wrapping it.
 * A body failure that host code (an `auth` resolver reading `ctx.request`) let through, even wrapped,
 * keeps its own code: an oversized upload is a 413, not a 500.
 */
export function toTollgateError(error: unknown): TollgateError {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (isTollgateError(cause) && BODY_FAILURES.has(cause.code)) return cause;
  return isTollgateError(error) ? error : new TollgateError("INTERNAL_ERROR", { cause: error });
}
