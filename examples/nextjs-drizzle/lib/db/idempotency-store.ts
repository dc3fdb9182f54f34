import { and, eq, isNull, sql } from "drizzle-orm";
import type { ClaimResult, IdempotencyStore } from "tollgate";
import type { Database } from "./database";
import { webhookEvents } from "./schema";

export interface DrizzleIdempotencyStoreOptions {
  /** Clock in milliseconds (tests pass a fake one). @default Date.now */
  now?: () => number;
}

/** Claims one store instance remembers holding; past this the oldest is forgotten (its lease still ends). */
const MAX_HELD = 10_000;

/**
 * A durable `IdempotencyStore` on the `webhook_events` table: every instance of the app sees the
 * same claims, and a processed id survives restarts. One row per key (`stripe:evt_…`,
 * `clerk:msg_…`): `locked_until` + `claim_token` while a delivery holds it, `processed_at` +
 * `expires_at` once done.
 *
 * - `claim` is one statement: insert, or take over a row whose lease ran out (its holder died) or
 *   whose duplicate window ended. Two deliveries cannot both get `"claimed"`.
 * - `release` deletes the row only while it still carries this claim's token: after a lease ran
 *   out and another instance took the id, a late release leaves that instance's claim alone.
 *
 * @example
 * createWebhookRoute({ …, idempotency: { store: createDrizzleIdempotencyStore(db), ttlMs: 3 * 86_400_000 } });
 */
export function createDrizzleIdempotencyStore(
  db: Database,
  options: DrizzleIdempotencyStoreOptions = {},
): IdempotencyStore {
  const now = options.now ?? Date.now;
  // IdempotencyStore.release(key) carries no token: the store remembers the token of each claim it holds.
  const held = new Map<string, string>();
  const hold = (key: string, token: string) => {
    held.delete(key);
    if (held.size >= MAX_HELD) held.delete(held.keys().next().value as string);
    held.set(key, token);
  };

  return {
    async claim(key, leaseMs): Promise<ClaimResult> {
      const at = new Date(now()).toISOString();
      const lockedUntil = new Date(Date.parse(at) + leaseMs);
      const claimToken = crypto.randomUUID();
      const claimed = await db
        .insert(webhookEvents)
        .values({ eventId: key, lockedUntil, claimToken })
        .onConflictDoUpdate({
          target: webhookEvents.eventId,
          set: { lockedUntil, claimToken, processedAt: null, expiresAt: null },
          setWhere: sql`(${webhookEvents.processedAt} IS NULL AND ${webhookEvents.lockedUntil} <= ${at}::timestamptz)
            OR (${webhookEvents.processedAt} IS NOT NULL AND ${webhookEvents.expiresAt} <= ${at}::timestamptz)`,
        })
        .returning({ id: webhookEvents.id });
      if (claimed.length === 1) {
        hold(key, claimToken);
        return "claimed";
      }
      const [row] = await db
        .select({ processedAt: webhookEvents.processedAt })
        .from(webhookEvents)
        .where(eq(webhookEvents.eventId, key));
      // No row: the holder released it between the two statements; the sender retries.
      return row?.processedAt ? "duplicate" : "in-flight";
    },

    async complete(key, ttlMs) {
      held.delete(key);
      const processedAt = new Date(now());
      const done = {
        processedAt,
        lockedUntil: null,
        claimToken: null,
        expiresAt: new Date(processedAt.getTime() + ttlMs),
      };
      await db
        .insert(webhookEvents)
        .values({ eventId: key, ...done })
        .onConflictDoUpdate({ target: webhookEvents.eventId, set: done });
    },

    async release(key) {
      const token = held.get(key);
      if (token === undefined) return;
      held.delete(key);
      await db
        .delete(webhookEvents)
        .where(
          and(eq(webhookEvents.eventId, key), eq(webhookEvents.claimToken, token), isNull(webhookEvents.processedAt)),
        );
    },
  };
}
