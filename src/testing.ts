export { type ClerkEventLike, clerkEvent } from "./testing/clerk-event.js";
export type { ConformanceOptions, ConformanceRunner, StoreFactory } from "./testing/conformance.js";
export { cursorStoreConformance } from "./testing/cursor-conformance.js";
export { idempotencyStoreConformance } from "./testing/idempotency-conformance.js";
export { type AdapterCall, createMemoryAdapter, type MemoryAdapter } from "./testing/memory-adapter.js";
export { rateLimitStoreConformance } from "./testing/rate-limit-conformance.js";
export { signStripePayload, signSvixPayload } from "./testing/sign.js";
export { type StripeEventLike, stripeEvent } from "./testing/stripe-event.js";
export type { StandInRequest } from "./testing/stripe-stand-in/api.js";
export type { Delivery, DeliveryAttempt, DeliveryOptions } from "./testing/stripe-stand-in/delivery.js";
export { StandInError } from "./testing/stripe-stand-in/errors.js";
export type { SubscriptionChanges } from "./testing/stripe-stand-in/lifecycle.js";
export {
  type CompletedCheckoutSession,
  STAND_IN_API_VERSION,
  type StripeStandIn,
  type StripeStandInOptions,
  type SubscriptionInput,
  startStripeStandIn,
} from "./testing/stripe-stand-in/start.js";
export type { StandInEvent, StripeObject } from "./testing/stripe-stand-in/state.js";
