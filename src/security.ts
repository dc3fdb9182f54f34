export { svixScheme, svixSignature, verifySvixSignature } from "./clerk/signature.js";
export { HMAC_IMPLEMENTATION } from "./crypto/hmac.js";
export type { AuditEntry, AuditOutcome, AuditRecord, AuditSink, SecurityWarningEntry } from "./http/audit-entry.js";
export { readRequestBody } from "./http/body-tap.js";
export {
  type ComposeOptions,
  chain,
  compose,
  type Endpoint,
  type Handler,
  type Middleware,
  type Next,
} from "./http/compose.js";
export type { CoreState, RouteContext } from "./http/context.js";
export { isTollgateError, TollgateError } from "./http/errors.js";
export type { ErrorInfo, ErrorReporter } from "./http/report-error.js";
export { errorResponse, json } from "./http/response.js";
export { addressGroup, type SourceIpOptions, sourceIpOf } from "./http/source-ip.js";
export type { TimestampWindowOptions } from "./http/time-window.js";
export { allowMethods } from "./security/allow-methods.js";
export { type AuditOptions, audit, consoleAuditSink, type SecurityWarningOptions } from "./security/audit.js";
export {
  type BodyLimitOptions,
  bodyLimit,
  JSON_BODY_LIMIT,
  WEBHOOK_BODY_LIMIT,
} from "./security/body-limit.js";
export { type CorsOptions, cors } from "./security/cors.js";
export { type EventPayloadOptions, eventPayload, type ParsedEvent } from "./security/event-payload.js";
export { type IdempotencyOptions, idempotency } from "./security/idempotency.js";
export { noStore } from "./security/no-store.js";
export { type RateLimitOptions, rateLimit } from "./security/rate-limit.js";
export { type SignatureOptions, type SignatureScheme, type SignatureState, signature } from "./security/signature.js";
export { timestampWindow } from "./security/timestamp-window.js";
export { layeredIdempotencyStore } from "./stores/layered.js";
export { createMemoryCursorStore } from "./stores/memory-cursor.js";
export { createMemoryIdempotencyStore, type MemoryStoreOptions } from "./stores/memory-idempotency.js";
export { createMemoryRateLimitStore } from "./stores/memory-rate-limit.js";
export { createPostgresCursorStore, type PostgresCursorStore } from "./stores/postgres-cursor.js";
export { createPostgresIdempotencyStore, type PostgresIdempotencyStore } from "./stores/postgres-idempotency.js";
export type {
  PostgresStoreOptions,
  SqlParameter,
  SqlQuery,
  SqlRow,
} from "./stores/postgres-query.js";
export { createPostgresRateLimitStore, type PostgresRateLimitStore } from "./stores/postgres-rate-limit.js";
export { type PostgresStoreTables, postgresStoreSchema } from "./stores/postgres-schema.js";
export {
  fromIoredis,
  fromNodeRedis,
  fromUpstash,
  type IoredisLike,
  type NodeRedisLike,
  type RedisLike,
  type UpstashLike,
} from "./stores/redis-client.js";
export { createRedisCursorStore } from "./stores/redis-cursor.js";
export { createRedisIdempotencyStore, type RedisStoreOptions } from "./stores/redis-idempotency.js";
export { createRedisRateLimitStore } from "./stores/redis-rate-limit.js";
export type { ClaimResult, CursorStore, IdempotencyStore, RateLimitHit, RateLimitStore } from "./stores/types.js";
export { stripeScheme, stripeSignature, type VerifyOptions, verifyStripeSignature } from "./stripe/signature.js";
