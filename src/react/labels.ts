/**
 * Every text the client components show. Pass a partial copy as `labels` to translate or reword
 * any of them; what you leave out keeps its default.
 *
 * @example
 * <PaywallGate labels={{ subscribe: "S'abonner", retry: "Réessayer" }}>…</PaywallGate>
 */
export interface PaywallLabels {
  /** Shown while the status route is asked. @default "Checking your subscription…" */
  loading: string;
  /** Shown on the page Stripe returns to, while the payment is confirmed. @default "Finalizing your subscription…" */
  finalizing: string;
  /** The default fallback's text for a user without access. @default "Subscribe to see this content." */
  denied: string;
  /** The default fallback's button. @default "Subscribe" */
  subscribe: string;
  /** The subscribe button while the checkout is being opened. @default "Opening checkout…" */
  subscribing: string;
  /** The error state's button, which repeats the failed request. @default "Retry" */
  retry: string;
  /** The checkout route could not be reached (fetch rejected). @default "Unable to connect to checkout service" */
  checkoutNetworkError: string;
  /** The checkout route answered 4xx/5xx, or no usable `url`. @default "Unable to start checkout. Please try again." */
  checkoutError: string;
  /** The status route could not be reached. @default "Unable to connect to subscription service" */
  statusNetworkError: string;
  /** The status route answered 4xx/5xx or not a status. @default "Unable to check your subscription. Please try again." */
  statusError: string;
  /** The "Manage billing" button. @default "Manage billing" */
  manageBilling: string;
  /** The "Manage billing" button while the portal is being opened. @default "Opening billing portal…" */
  openingPortal: string;
  /** The portal route could not be reached. @default "Unable to connect to billing service" */
  portalNetworkError: string;
  /** The portal route answered 4xx/5xx, or no usable `url`. @default "Unable to open billing portal. Please try again." */
  portalError: string;
}

/** The default (English) labels; the three checkout and network messages are the contract's, verbatim. */
export const defaultPaywallLabels: Readonly<PaywallLabels> = Object.freeze({
  loading: "Checking your subscription…",
  finalizing: "Finalizing your subscription…",
  denied: "Subscribe to see this content.",
  subscribe: "Subscribe",
  subscribing: "Opening checkout…",
  retry: "Retry",
  checkoutNetworkError: "Unable to connect to checkout service",
  checkoutError: "Unable to start checkout. Please try again.",
  statusNetworkError: "Unable to connect to subscription service",
  statusError: "Unable to check your subscription. Please try again.",
  manageBilling: "Manage billing",
  openingPortal: "Opening billing portal…",
  portalNetworkError: "Unable to connect to billing service",
  portalError: "Unable to open billing portal. Please try again.",
});

/** The labels in force: the defaults, overridden by what the caller passed. */
export function resolveLabels(labels: Partial<PaywallLabels> | undefined): PaywallLabels {
  return labels ? { ...defaultPaywallLabels, ...labels } : defaultPaywallLabels;
}
