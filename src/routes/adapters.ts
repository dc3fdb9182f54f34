/** A user row as the checkout, portal and webhook routes see it. */
export interface User {
  id: string;
  email: string;
  stripeCustomerId: string | null;
  createdAt?: Date;
}

/** What the subscription status route reads. */
export interface UserWithSubscription {
  id: string;
  email: string;
  subscription: { status: string; currentPeriodEnd: Date | null } | null;
}

/** What the Stripe webhook route writes for a subscription. */
export interface SubscriptionData {
  /** Stripe subscription id (`sub_…`). */
  id: string;
  userId: string;
  stripeCustomerId: string;
  /** Stripe's status, verbatim (`active`, `trialing`, `past_due`, `canceled`, …). */
  status: string;
  /** The first item's price id. */
  priceId: string;
  /** End of the current period: `subscription.current_period_end`, or the first item's (API ≥ 2025-03-31). */
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /**
   * Stripe's `event.created`. A durable adapter should refuse a write older than the last one it
   * applied to the same subscription (ties allowed), because Stripe does not order deliveries.
   */
  eventCreatedAt: Date;
}

/** The database functions `createCheckoutRoute` needs. Every one is awaited; a throw answers 500. */
export interface CheckoutDatabaseAdapter {
  findUserByEmail(email: string): Promise<User | null>;
  /** May throw on a unique-email race; the route then reads the user again. */
  createUser(email: string): Promise<User>;
  updateUser(userId: string, data: { stripeCustomerId: string }): Promise<User>;
}

/** The database function `createSubscriptionStatusRoute` needs. */
export interface SubscriptionDatabaseAdapter {
  findUserWithSubscription(email: string): Promise<UserWithSubscription | null>;
}

/** The database functions `createWebhookRoute` needs. A throw answers 500 `HANDLER_FAILED` and Stripe retries. */
export interface WebhookDatabaseAdapter {
  findUserByCustomerId(customerId: string): Promise<User | null>;
  upsertSubscription(data: SubscriptionData): Promise<unknown>;
  updateSubscriptionStatus(subscriptionId: string, status: string): Promise<void>;
}
