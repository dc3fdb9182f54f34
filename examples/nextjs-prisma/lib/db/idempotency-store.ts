import type { ClaimResult, IdempotencyStore } from "tollgate";
import type { PrismaClient } from "../../generated/prisma/client";

/** Claims one store instance remembers holding; past this the oldest is forgotten (its lease still ends). */
const MAX_HELD = 10_000;

export interface PrismaIdempotencyStoreOptions {
  /** Clock in milliseconds (tests pass a fake one). @default Date.now */
  now?: () => number;
}

/**
 * A durable `IdempotencyStore` on the `webhook_events` table: every instance of the app sees the
 * same claims, and a processed id survives restarts. One row per key (`stripe:evt_…`,
 * `clerk:msg_…`): `locked_until` + `claim_token` while a delivery holds it, `processed_at` +
 * `expires_at` once done. `release` deletes the row only while it still carries this claim's token:
 * after a lease ran out and another instance took the id, a late release leaves that claim alone.
 *
 * @example
 * createClerkWebhookRoute({ …, idempotency: { store: createPrismaIdempotencyStore(prisma), ttlMs: 86_400_000 } });
 */
export function createPrismaIdempotencyStore(
  prisma: PrismaClient,
  options: PrismaIdempotencyStoreOptions = {},
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
      const at = new Date(now());
      const until = new Date(at.getTime() + leaseMs);
      const token = crypto.randomUUID();
      // Insert the claim, or take over a row whose lease ran out (its holder died) or whose
      // duplicate window ended, in one statement: two deliveries cannot both get "claimed".
      const claimed = await prisma.$executeRaw`
        INSERT INTO webhook_events AS e (event_id, locked_until, claim_token) VALUES (${key}, ${until}::timestamptz, ${token})
        ON CONFLICT (event_id) DO UPDATE
        SET locked_until = EXCLUDED.locked_until, claim_token = EXCLUDED.claim_token, processed_at = NULL, expires_at = NULL
        WHERE (e.processed_at IS NULL AND e.locked_until <= ${at}::timestamptz)
           OR (e.processed_at IS NOT NULL AND e.expires_at <= ${at}::timestamptz)`;
      if (claimed === 1) {
        hold(key, token);
        return "claimed";
      }
      const row = await prisma.webhookEvent.findUnique({ where: { eventId: key }, select: { processedAt: true } });
      // No row: the holder released it between the two statements; the sender retries.
      return row?.processedAt ? "duplicate" : "in-flight";
    },
    async complete(key, ttlMs) {
      const at = new Date(now());
      held.delete(key);
      const done = { processedAt: at, lockedUntil: null, claimToken: null, expiresAt: new Date(at.getTime() + ttlMs) };
      await prisma.webhookEvent.upsert({ where: { eventId: key }, create: { eventId: key, ...done }, update: done });
    },
    async release(key) {
      const token = held.get(key);
      if (token === undefined) return;
      held.delete(key);
      await prisma.webhookEvent.deleteMany({ where: { eventId: key, claimToken: token, processedAt: null } });
    },
  };
}
