export { type ClerkEventLike, clerkEvent } from "./testing/clerk-event.js";
export type { ConformanceOptions, ConformanceRunner, StoreFactory } from "./testing/conformance.js";
export { cursorStoreConformance } from "./testing/cursor-conformance.js";
export { idempotencyStoreConformance } from "./testing/idempotency-conformance.js";
export { type AdapterCall, createMemoryAdapter, type MemoryAdapter } from "./testing/memory-adapter.js";
export { rateLimitStoreConformance } from "./testing/rate-limit-conformance.js";
export { signStripePayload, signSvixPayload } from "./testing/sign.js";
export { type StripeEventLike, stripeEvent } from "./testing/stripe-event.js";
