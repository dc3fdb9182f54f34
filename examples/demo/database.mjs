// The demo's database: embedded PostgreSQL (PGlite) and a plain-SQL adapter for every route.
// The same statements work against any PostgreSQL; see docs/adapters.md.
import { PGlite } from "@electric-sql/pglite";

const SCHEMA = `
  CREATE TABLE users (
    id text PRIMARY KEY DEFAULT ('user_' || substr(md5(random()::text), 1, 12)),
    email text NOT NULL UNIQUE,
    clerk_id text UNIQUE,
    stripe_customer_id text,
    credits integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX users_stripe_customer_id ON users (stripe_customer_id);
  CREATE TABLE subscriptions (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    stripe_customer_id text NOT NULL,
    status text NOT NULL,
    price_id text NOT NULL,
    current_period_end timestamptz,
    cancel_at_period_end boolean NOT NULL DEFAULT false,
    last_event_at timestamptz NOT NULL
  );
  CREATE TABLE webhook_events (event_id text PRIMARY KEY, event_type text NOT NULL, processed_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE credit_transactions (
    id serial PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    amount integer NOT NULL,
    reason text NOT NULL,
    webhook_event_id text NOT NULL UNIQUE
  );
`;

const toUser = (row) =>
  row && { id: row.id, email: row.email, stripeCustomerId: row.stripe_customer_id, createdAt: row.created_at };

export async function openDatabase() {
  const db = new PGlite();
  await db.exec(SCHEMA);
  const one = async (sql, params) => (await db.query(sql, params)).rows[0] ?? null;

  const adapter = {
    findUserByEmail: async (email) => toUser(await one("SELECT * FROM users WHERE email = $1", [email])),
    createUser: async (email) => toUser(await one("INSERT INTO users (email) VALUES ($1) RETURNING *", [email])),
    updateUser: async (id, data) =>
      toUser(
        await one("UPDATE users SET stripe_customer_id = $2 WHERE id = $1 RETURNING *", [id, data.stripeCustomerId]),
      ),
    findUserByCustomerId: async (customerId) =>
      toUser(await one("SELECT * FROM users WHERE stripe_customer_id = $1", [customerId])),
    // One statement: insert, or update only when this event is not older than the last one applied.
    upsertSubscription: async (s) =>
      one(
        `INSERT INTO subscriptions (id, user_id, stripe_customer_id, status, price_id, current_period_end, cancel_at_period_end, last_event_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, price_id = EXCLUDED.price_id,
           current_period_end = EXCLUDED.current_period_end, cancel_at_period_end = EXCLUDED.cancel_at_period_end,
           last_event_at = EXCLUDED.last_event_at
         WHERE subscriptions.last_event_at <= EXCLUDED.last_event_at
         RETURNING *`,
        [
          s.id,
          s.userId,
          s.stripeCustomerId,
          s.status,
          s.priceId,
          s.currentPeriodEnd,
          s.cancelAtPeriodEnd,
          s.eventCreatedAt,
        ],
      ),
    updateSubscriptionStatus: async (id, status) => {
      await db.query("UPDATE subscriptions SET status = $2 WHERE id = $1", [id, status]);
    },
    findUserWithSubscription: async (email) => {
      const user = await one("SELECT * FROM users WHERE email = $1", [email]);
      if (!user) return null;
      const sub = await one("SELECT * FROM subscriptions WHERE user_id = $1 ORDER BY last_event_at DESC LIMIT 1", [
        user.id,
      ]);
      return {
        id: user.id,
        email: user.email,
        subscription: sub && { status: sub.status, currentPeriodEnd: sub.current_period_end },
      };
    },
  };

  /**
   * Clerk `user.created`: the user, 20 signup credits, the credit transaction and the svix-id, in ONE
   * transaction. A second delivery of the same event conflicts on webhook_events and changes nothing.
   */
  async function grantSignupCredits(clerkUserId, email, eventId) {
    await db.transaction(async (tx) => {
      const seen = await tx.query(
        "INSERT INTO webhook_events (event_id, event_type) VALUES ($1, 'user.created') ON CONFLICT DO NOTHING RETURNING event_id",
        [eventId],
      );
      if (seen.rows.length === 0) return;
      const user = await tx.query(
        `INSERT INTO users (email, clerk_id, credits) VALUES ($1, $2, 20)
         ON CONFLICT (email) DO UPDATE SET clerk_id = EXCLUDED.clerk_id, credits = users.credits + 20 RETURNING id`,
        [email, clerkUserId],
      );
      await tx.query(
        "INSERT INTO credit_transactions (user_id, amount, reason, webhook_event_id) VALUES ($1, 20, 'signup', $2)",
        [user.rows[0].id, eventId],
      );
    });
  }

  return { db, adapter, grantSignupCredits, rows: async (sql) => (await db.query(sql)).rows, close: () => db.close() };
}
