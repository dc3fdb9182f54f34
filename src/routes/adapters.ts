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
  subscription: {
    status: string;
    currentPeriodEnd: Date | null;
    /** When returned, the status route answers it as `cancelAtPeriodEnd`. */
    cancelAtPeriodEnd?: boolean;
    /** When returned (a Date, or null for "renews"), the status route answers it as `cancelAt` (ISO). */
    cancelAt?: Date | null;
  } | null;
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
  /**
   * End of the current period: `subscription.current_period_end`, or the first item's (API ≥
   * 2025-03-31). With several items, the first item's (the one `priceId` names).
   */
  currentPeriodEnd: Date | null;
  /**
   * True whenever Stripe will end the subscription at the end of the current period, in every
   * billing mode: `cancel_at_period_end` is true, or `cancel_at` equals the period end (flexible
   * billing mode schedules it that way).
   */
  cancelAtPeriodEnd: boolean;
  /** When Stripe will end it: `cancel_at`, else the period end when `cancel_at_period_end` is true; null if it renews. */
  cancelAt: Date | null;
  /**
   * Orders the writes to one subscription. A durable adapter should refuse a write older than the
   * last one it applied to the same subscription (ties allowed), because Stripe does not order
   * deliveries. The event's `created` for a copy taken from the event (payload mode); the time
   * Stripe's copy was read for a refetched copy (refetch mode, confirm on return), never earlier
   * than the event it answers: a re-read copy is as new as its read, whatever the age of the event
   * that prompted it.
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
  /**
   * Sets the status of a stored subscription (`"canceled"` on `customer.subscription.deleted`).
   * `meta.eventCreatedAt` is the deletion event's `created`: record it as the row's version so that an
   * older `upsertSubscription` arriving later (on another instance, say) is refused. Adapters written
   * for two arguments keep working.
   */
  updateSubscriptionStatus(subscriptionId: string, status: string, meta?: SubscriptionStatusMeta): Promise<void>;
}

/** What `updateSubscriptionStatus` receives besides the id and status. */
export interface SubscriptionStatusMeta {
  /** Stripe's `event.created` of the event that set the status. */
  eventCreatedAt: Date;
}
