import { and, eq, notExists } from "drizzle-orm";
import type { Database } from "./database";
import { creditTransactions, users, webhookEvents } from "./schema";

/** Credits a new Clerk user receives, once. */
export const SIGNUP_CREDITS = 20;

/** The part of Clerk's user object these handlers read. */
export interface ClerkUserData {
  id: string;
  primary_email_address_id?: string | null;
  email_addresses?: { id: string; email_address: string }[];
}

/** What a handler gets beside the data: `eventId` is the delivery's `svix-id`. */
export interface ClerkHandlerContext {
  eventId: string;
  eventType: string;
}

function primaryEmail(user: ClerkUserData): string | null {
  const addresses = user.email_addresses ?? [];
  const primary = addresses.find((address) => address.id === user.primary_email_address_id) ?? addresses[0];
  return primary ? primary.email_address.trim().toLowerCase() : null;
}

/**
 * Clerk user lifecycle handlers. `user.created` grants {@link SIGNUP_CREDITS} exactly once: in ONE
 * transaction it records the delivery (`webhook_events`, unique `svix-id`), inserts the user with
 * the credits and the credit transaction (unique `webhook_event_id`). A redelivery, a concurrent
 * delivery or a user that already exists conflicts and changes nothing; a failure anywhere rolls
 * all three back, so the route answers 500 and Clerk's retry starts from a clean slate.
 */
export function clerkUserHandlers(db: Database) {
  return {
    async "user.created"(user: ClerkUserData, ctx: ClerkHandlerContext): Promise<void> {
      const email = primaryEmail(user);
      if (email === null) return;
      await db.transaction(async (tx) => {
        // First, so concurrent deliveries queue on this unique key and all but one find it taken.
        const delivery = await tx
          .insert(webhookEvents)
          .values({ eventId: ctx.eventId, eventType: ctx.eventType, processedAt: new Date() })
          .onConflictDoNothing({ target: webhookEvents.eventId })
          .returning({ id: webhookEvents.id });
        if (delivery.length === 0) return;
        const [created] = await tx
          .insert(users)
          .values({ clerkId: user.id, email, credits: SIGNUP_CREDITS })
          .onConflictDoNothing()
          .returning({ id: users.id });
        // The Clerk id or the email is taken already: this signup was handled (or the email belongs
        // to an existing account, which keeps its balance).
        if (created === undefined) return;
        await tx
          .insert(creditTransactions)
          .values({ userId: created.id, amount: SIGNUP_CREDITS, reason: "signup", webhookEventId: ctx.eventId });
      });
    },

    // An email another account already holds is left alone (that account keeps it): throwing would
    // answer 500 and Clerk would retry a delivery that can never succeed.
    async "user.updated"(user: ClerkUserData): Promise<void> {
      const email = primaryEmail(user);
      if (email === null) return;
      const held = db.select({ id: users.id }).from(users).where(eq(users.email, email));
      await db
        .update(users)
        .set({ email })
        .where(and(eq(users.clerkId, user.id), notExists(held)));
    },

    // Subscriptions and credit transactions go with the user (ON DELETE CASCADE); the
    // webhook_events row of the signup stays, so a late redelivery of user.created grants nothing.
    async "user.deleted"(user: { id?: string | null }): Promise<void> {
      if (typeof user.id !== "string") return;
      await db.delete(users).where(eq(users.clerkId, user.id));
    },
  };
}
