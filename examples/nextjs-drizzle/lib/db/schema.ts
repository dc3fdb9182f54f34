import { sql } from "drizzle-orm";
import { bigserial, boolean, check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Millisecond timestamps with time zone everywhere: Stripe's event times compare as instants,
// whatever the server's time zone.
const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const timestamps = {
  createdAt: at("created_at").notNull().defaultNow(),
  updatedAt: at("updated_at")
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull().unique(),
    clerkId: text("clerk_id").unique(),
    stripeCustomerId: text("stripe_customer_id"),
    credits: integer("credits").notNull().default(0),
    ...timestamps,
  },
  (table) => [
    index("users_stripe_customer_id_idx").on(table.stripeCustomerId),
    check("users_credits_check", sql`${table.credits} >= 0`),
  ],
);

export const subscriptions = pgTable(
  "subscriptions",
  {
    /** Stripe subscription id (sub_…). */
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    status: text("status").notNull(),
    priceId: text("price_id").notNull(),
    currentPeriodEnd: at("current_period_end"),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    /** When Stripe will end it (`cancel_at`, or the period end); null while it renews. */
    cancelAt: at("cancel_at"),
    /**
     * Version of the newest write applied (`SubscriptionData.eventCreatedAt`: the event's time, or when
     * Stripe's copy was read; a deletion's time): older writes are refused, ties applied.
     */
    lastEventAt: at("last_event_at").notNull(),
    ...timestamps,
  },
  (table) => [index("subscriptions_user_id_idx").on(table.userId)],
);

/**
 * Clerk signups already handled: the signup transaction records the delivery's `svix-id` (`msg_…`)
 * next to the credits it grants. (The routes' idempotency claims live in tollgate's own table,
 * `tollgate_idempotency`, from drizzle/0002_tollgate_stores.sql.)
 */
export const webhookEvents = pgTable("webhook_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  eventId: text("event_id").notNull().unique(),
  eventType: text("event_type"),
  processedAt: at("processed_at"),
  createdAt: at("created_at").notNull().defaultNow(),
});

export const creditTransactions = pgTable(
  "credit_transactions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    amount: integer("amount").notNull(),
    reason: text("reason").notNull(),
    /** The delivery that granted it: unique, so one delivery can never credit twice. */
    webhookEventId: text("webhook_event_id").unique(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (table) => [index("credit_transactions_user_id_idx").on(table.userId)],
);
