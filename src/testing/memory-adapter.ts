import type {
  CheckoutDatabaseAdapter,
  SubscriptionData,
  SubscriptionDatabaseAdapter,
  User,
  UserWithSubscription,
  WebhookDatabaseAdapter,
} from "../routes/adapters.js";

type AdapterMethod = keyof (CheckoutDatabaseAdapter & SubscriptionDatabaseAdapter & WebhookDatabaseAdapter);

/** An adapter call as recorded by the memory adapter. */
export interface AdapterCall {
  method: AdapterMethod;
  args: unknown[];
}

/** All three route adapters in memory, plus helpers to inspect and steer them in tests. */
export interface MemoryAdapter extends CheckoutDatabaseAdapter, SubscriptionDatabaseAdapter, WebhookDatabaseAdapter {
  /** Users in creation order (copies). */
  users(): User[];
  /** Stored subscriptions (copies), as last written. */
  subscriptions(): SubscriptionData[];
  /** Every adapter call, in order, with its arguments. */
  readonly calls: AdapterCall[];
  /** The calls of one method. */
  callsOf(method: AdapterMethod): unknown[][];
  /** Inserts a user directly (no call recorded). */
  seedUser(user: Partial<User> & { email: string }): User;
  /** Makes the next call of `method` throw `error` (once), e.g. to test retries. */
  failNext(method: AdapterMethod, error?: Error): void;
  /** Forgets everything. */
  reset(): void;
}

/**
 * A complete in-memory database adapter for the checkout, status and webhook routes: a unique
 * email index (a second `createUser` for one email throws, as a database would), and a stale-write
 * guard on `upsertSubscription` (an older `eventCreatedAt` than the stored one is ignored; ties
 * apply). `updateSubscriptionStatus` records its `meta.eventCreatedAt` as the subscription's
 * version, even before the subscription's row exists, so an older write arriving after a deletion
 * is refused, as a durable adapter should.
 *
 * @example
 * const db = createMemoryAdapter();
 * const handler = createWebhookRoute({ ...db, stripe: { webhookSecret } });
 * // …send events…
 * expect(db.subscriptions()[0]?.status).toBe("active");
 */
export function createMemoryAdapter(): MemoryAdapter {
  const users = new Map<string, User>();
  const subscriptions = new Map<string, SubscriptionData>();
  // Status changes that reached no row yet (a deletion that overtook the creation), by id.
  const pending = new Map<string, { status: string; at: Date }>();
  const calls: AdapterCall[] = [];
  const failures = new Map<AdapterMethod, Error>();
  let nextId = 1;

  function record(method: AdapterMethod, args: unknown[]): void {
    calls.push({ method, args });
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      throw failure;
    }
  }

  const byEmail = (email: string) => [...users.values()].find((user) => user.email === email) ?? null;
  const copy = <T extends object>(value: T | null | undefined): T | null => (value ? { ...value } : null);

  function insert(user: Partial<User> & { email: string }): User {
    if (byEmail(user.email)) throw new Error("duplicate key value violates unique constraint on users.email");
    const stored: User = {
      id: user.id ?? `user_${nextId++}`,
      email: user.email,
      stripeCustomerId: user.stripeCustomerId ?? null,
      createdAt: user.createdAt ?? new Date(),
    };
    users.set(stored.id, stored);
    return { ...stored };
  }

  return {
    async findUserByEmail(email) {
      record("findUserByEmail", [email]);
      return copy(byEmail(email));
    },
    async createUser(email) {
      record("createUser", [email]);
      return insert({ email });
    },
    async updateUser(userId, data) {
      record("updateUser", [userId, data]);
      const user = users.get(userId);
      if (!user) throw new Error(`no user ${userId}`);
      user.stripeCustomerId = data.stripeCustomerId;
      return { ...user };
    },
    async findUserWithSubscription(email): Promise<UserWithSubscription | null> {
      record("findUserWithSubscription", [email]);
      const user = byEmail(email);
      if (!user) return null;
      const latest = [...subscriptions.values()]
        .filter((subscription) => subscription.userId === user.id)
        .sort((a, b) => b.eventCreatedAt.getTime() - a.eventCreatedAt.getTime())[0];
      return {
        id: user.id,
        email: user.email,
        subscription: latest
          ? {
              status: latest.status,
              currentPeriodEnd: latest.currentPeriodEnd,
              cancelAtPeriodEnd: latest.cancelAtPeriodEnd,
              cancelAt: latest.cancelAt,
            }
          : null,
      };
    },
    async findUserByCustomerId(customerId) {
      record("findUserByCustomerId", [customerId]);
      return copy([...users.values()].find((user) => user.stripeCustomerId === customerId));
    },
    async upsertSubscription(data) {
      record("upsertSubscription", [data]);
      const stored = subscriptions.get(data.id);
      const version = stored?.eventCreatedAt ?? pending.get(data.id)?.at;
      if (version && version.getTime() > data.eventCreatedAt.getTime()) {
        const refused = pending.get(data.id);
        if (!stored && refused)
          subscriptions.set(data.id, { ...data, status: refused.status, eventCreatedAt: refused.at });
        return { ...(subscriptions.get(data.id) as SubscriptionData) };
      }
      pending.delete(data.id);
      subscriptions.set(data.id, { ...data });
      return { ...data };
    },
    async updateSubscriptionStatus(subscriptionId, status, meta) {
      record(
        "updateSubscriptionStatus",
        meta === undefined ? [subscriptionId, status] : [subscriptionId, status, meta],
      );
      const stored = subscriptions.get(subscriptionId);
      const at = meta?.eventCreatedAt;
      if (stored) {
        stored.status = status;
        if (at && at.getTime() > stored.eventCreatedAt.getTime()) stored.eventCreatedAt = at;
      } else if (at) {
        pending.set(subscriptionId, { status, at });
      }
    },
    users: () => [...users.values()].map((user) => ({ ...user })),
    subscriptions: () => [...subscriptions.values()].map((subscription) => ({ ...subscription })),
    calls,
    callsOf: (method) => calls.filter((call) => call.method === method).map((call) => call.args),
    seedUser: insert,
    failNext(method, error = new Error(`injected failure in ${method}`)) {
      failures.set(method, error);
    },
    reset() {
      users.clear();
      subscriptions.clear();
      pending.clear();
      calls.length = 0;
      failures.clear();
      nextId = 1;
    },
  };
}
