/** The subscription status route's 200 body (see the contract's "Responses"). */
export interface SubscriptionStatusBody {
  /** Whether the user may see paid content. */
  hasAccess: boolean;
  /** Stripe's subscription status, verbatim; `null` for a user without a subscription. */
  status: string | null;
  /** End of the current period, ISO 8601, when known. */
  currentPeriodEnd?: string;
  /** Whether Stripe will end the subscription at the end of the period. */
  cancelAtPeriodEnd?: boolean;
  /** When Stripe will end the subscription, ISO 8601. */
  cancelAt?: string;
}

/** The status route the client asks by default. */
export const DEFAULT_STATUS_URL = "/api/subscription/status";
/** The checkout route the client posts to by default. */
export const DEFAULT_CHECKOUT_URL = "/api/checkout";
/** The billing portal route the client posts to by default. */
export const DEFAULT_PORTAL_URL = "/api/billing/portal";
