export type { AuditEntry, AuditOutcome, AuditSink, RouteName, SecurityWarningEntry } from "./http/audit-entry.js";
export type { Handler } from "./http/compose.js";
export {
  ERROR_STATUS,
  type ErrorCode,
  type ErrorDetails,
  isTollgateError,
  TollgateError,
  type TollgateErrorOptions,
} from "./http/errors.js";
export type { TimestampWindowOptions } from "./http/time-window.js";
export type { ClaimResult, IdempotencyStore, RateLimitHit, RateLimitStore } from "./stores/types.js";
