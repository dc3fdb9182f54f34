export { type ClerkEventLike, clerkEvent } from "./testing/clerk-event.js";
export { type AdapterCall, createMemoryAdapter, type MemoryAdapter } from "./testing/memory-adapter.js";
export { signStripePayload, signSvixPayload } from "./testing/sign.js";
export { type StripeEventLike, stripeEvent } from "./testing/stripe-event.js";
