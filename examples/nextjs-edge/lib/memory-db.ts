import type { SubscriptionData, User, WebhookDatabaseAdapter } from "tollgate";

// In memory, per edge isolate, so the example runs with no database. Replace these three methods with
// calls to a database the edge runtime can reach over HTTP (Neon, PlanetScale, Turso, Supabase, …).
const users = new Map<string, User>([
  ["user_demo", { id: "user_demo", email: "demo@example.com", stripeCustomerId: "cus_demo" }],
]);
const subscriptions = new Map<string, SubscriptionData>();

export const db: WebhookDatabaseAdapter = {
  async findUserByCustomerId(customerId) {
    return [...users.values()].find((user) => user.stripeCustomerId === customerId) ?? null;
  },
  async upsertSubscription(data) {
    const stored = subscriptions.get(data.id);
    // Ignore a write older than the stored one (ties apply), as a durable adapter would.
    if (stored && stored.eventCreatedAt > data.eventCreatedAt) return stored;
    subscriptions.set(data.id, data);
    return data;
  },
  async updateSubscriptionStatus(subscriptionId, status, meta) {
    const stored = subscriptions.get(subscriptionId);
    if (!stored) return;
    // The deletion's time becomes the version, so an older update arriving later is ignored.
    const at = meta && meta.eventCreatedAt > stored.eventCreatedAt ? meta.eventCreatedAt : stored.eventCreatedAt;
    subscriptions.set(subscriptionId, { ...stored, status, eventCreatedAt: at });
  },
};
