"use client";

export { type ClientErrorKind, type ClientRoute, TollgateClientError } from "./react/client-error.js";
export { defaultPaywallLabels, type PaywallLabels } from "./react/labels.js";
export { ManageBillingButton, type ManageBillingButtonProps } from "./react/manage-billing-button.js";
export { PaywallGate, type PaywallGateProps, type PaywallState } from "./react/paywall-gate.js";
export {
  DEFAULT_CHECKOUT_URL,
  DEFAULT_PORTAL_URL,
  DEFAULT_STATUS_URL,
  type SubscriptionStatusBody,
} from "./react/types.js";
export { type CheckoutControls, type UseCheckoutOptions, useCheckout } from "./react/use-checkout.js";
export { type PortalControls, type UsePortalOptions, usePortal } from "./react/use-portal.js";
export type { RedirectAction } from "./react/use-redirect-action.js";
export { type SubscriptionState, type UseSubscriptionOptions, useSubscription } from "./react/use-subscription.js";
