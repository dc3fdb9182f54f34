import { and, eq, isNull, notExists, sql } from "drizzle-orm";
import type { Database } from "./database";
import { creditTransactions, users, webhookEvents } from "./schema";

/** Credits a new Clerk user receives, once. */
export const SIGNUP_CREDITS = 20;

/** The part of Clerk's user object these handlers read. */
export interface ClerkUserData {
  id: string;
  primary_email_address_id?: string | null;
  email_addresses?: { id: string; email_address: string; verification?: { status?: string | null } | null }[];
}

/** What a handler gets beside the data: `eventId` is the delivery's `svix-id`. */
export interface ClerkHandlerContext {
  eventId: string;
  eventType: string;
}

/**
 * The user's primary email, lower-cased, when Clerk has verified it; else null. An unverified
 * address proves nothing: linking or renaming an account by one would let anyone who types someone
 * else's address into a sign-up form take over that person's paid account.
 */
export function verifiedPrimaryEmail(user: ClerkUserData): string | null {
  const primary = (user.email_addresses ?? []).find((address) => address.id === user.primary_email_address_id);
  if (primary === undefined || primary.verification?.status !== "verified") return null;
  return primary.email_address.trim().toLowerCase();
}

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Gives a Clerk user their account, in the caller's transaction: the account a checkout created for
 * the same verified email before the signup (no Clerk id yet) is linked, else a new one is made; the
 * signup credits go with that step, so each person gets them once whatever came first. Nothing
 * happens when the Clerk id or the email already belongs to a Clerk user.
 */
async function claimAccount(tx: Transaction, clerkId: string, email: string, eventId: string): Promise<void> {
  // Linking takes the row's lock: a concurrent signup for the same email waits, then finds it linked.
  // A Clerk id that has an account already links nothing.
  const holder = tx.select({ id: users.id }).from(users).where(eq(users.clerkId, clerkId));
  const [linked] = await tx
    .update(users)
    .set({ clerkId })
    .where(and(eq(users.email, email), isNull(users.clerkId), notExists(holder)))
    .returning({ id: users.id });
  const [account] = linked
    ? [linked]
    : await tx.insert(users).values({ clerkId, email }).onConflictDoNothing().returning({ id: users.id });
  if (account === undefined) return;
  await tx
    .update(users)
    .set({ credits: sql`${users.credits} + ${SIGNUP_CREDITS}` })
    .where(eq(users.id, account.id));
  await tx
    .insert(creditTransactions)
    .values({ userId: account.id, amount: SIGNUP_CREDITS, reason: "signup", webhookEventId: eventId });
}

/**
 * Clerk user lifecycle handlers. `user.created` grants {@link SIGNUP_CREDITS} exactly once per
 * person: in ONE transaction it records the delivery (`webhook_events`, unique `svix-id`), then links
 * the account a checkout made for the same verified email (setting its Clerk id) or creates one,
 * with the credits and the credit transaction (unique `webhook_event_id`). A redelivery, a concurrent
 * delivery or a Clerk id / email that another Clerk user holds changes nothing; a failure anywhere
 * rolls everything back, so the route answers 500 and Clerk's retry starts from a clean slate.
 * A user whose primary email is not verified yet gets their account from the `user.updated` that
 * Clerk sends once it is.
 */
export function clerkUserHandlers(db: Database) {
  async function signup(user: ClerkUserData, ctx: ClerkHandlerContext): Promise<void> {
    const email = verifiedPrimaryEmail(user);
    if (email === null) return;
    await db.transaction(async (tx) => {
      // First, so concurrent deliveries queue on this unique key and all but one find it taken.
      const delivery = await tx
        .insert(webhookEvents)
        .values({ eventId: ctx.eventId, eventType: ctx.eventType, processedAt: new Date() })
        .onConflictDoNothing({ target: webhookEvents.eventId })
        .returning({ id: webhookEvents.id });
      if (delivery.length === 0) return;
      await claimAccount(tx, user.id, email, ctx.eventId);
    });
  }

  return {
    "user.created": signup,

    // Follows the primary email once it is verified. An email another account already holds is left
    // alone (that account keeps it): throwing would answer 500 and Clerk would retry a delivery that
    // can never succeed. A Clerk user without an account yet (signed up unverified) is signed up now.
    async "user.updated"(user: ClerkUserData, ctx: ClerkHandlerContext): Promise<void> {
      const email = verifiedPrimaryEmail(user);
      if (email === null) return;
      const [known] = await db.select({ id: users.id }).from(users).where(eq(users.clerkId, user.id));
      if (known === undefined) return signup(user, ctx);
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
