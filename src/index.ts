export type {
  ClerkBillingItemEvents,
  ClerkEventDataMap,
  ClerkEventDataOf,
  ClerkEventEnvelope,
  ClerkEventType,
  ClerkObject,
  ClerkOtherEvents,
} from "./clerk/events.js";
export {
  type ClerkBillingSubscription,
  type ClerkBillingSubscriptionItem,
  type ClerkDeletedObject,
  type ClerkOrganization,
  type ClerkOrganizationMembership,
  type ClerkPaymentAttempt,
  type ClerkSession,
  type ClerkUser,
  primaryEmail,
} from "./clerk/schemas.js";
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
export type { ErrorInfo, ErrorReporter } from "./http/report-error.js";
export type { TimestampWindowOptions } from "./http/time-window.js";
export type { ReconcileOptions } from "./reconcile/options.js";
export { type ReconcileRunOptions, reconcileStripe } from "./reconcile/reconcile-stripe.js";
export type { ReconcileMode, ReconcileProgress, ReconcileSummary } from "./reconcile/summary.js";
export type {
  CheckoutDatabaseAdapter,
  SubscriptionData,
  SubscriptionDatabaseAdapter,
  SubscriptionStatusMeta,
  User,
  UserWithSubscription,
  WebhookDatabaseAdapter,
} from "./routes/adapters.js";
export { type CheckoutRouteOptions, type CheckoutStripeOptions, createCheckoutRoute } from "./routes/checkout.js";
export {
  type ClerkEventHandler,
  type ClerkEventHandlers,
  type ClerkWebhookRouteOptions,
  createClerkWebhookRoute,
} from "./routes/clerk-webhook.js";
export type { ConfirmCheckoutOptions } from "./routes/confirm-checkout.js";
export type {
  RouteSecurityOptions,
  WebhookHandlerContext,
  WebhookSecurityOptions,
} from "./routes/options.js";
export { createPortalRoute, type PortalRouteOptions } from "./routes/portal.js";
export { createStripeReconcileRoute, type StripeReconcileRouteOptions } from "./routes/stripe-reconcile.js";
export {
  createWebhookRoute,
  type StripeEventHandler,
  type StripeEventHandlers,
  type StripeEventOf,
  type StripeEventType,
  type StripeThinEventHandler,
  type StripeThinEventOf,
  type StripeThinEventType,
  type StripeWebhookOptions,
  type WebhookRouteOptions,
} from "./routes/stripe-webhook.js";
export { createSubscriptionStatusRoute, type SubscriptionStatusRouteOptions } from "./routes/subscription-status.js";
export type { ClaimResult, CursorStore, IdempotencyStore, RateLimitHit, RateLimitStore } from "./stores/types.js";
export type { AuthResolver } from "./validation/identity.js";
