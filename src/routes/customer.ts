import type Stripe from "stripe";
import { toHex } from "../crypto/encoding.js";
import type { RouteContext } from "../http/context.js";
import { callStripe } from "../stripe/client.js";
import type { CheckoutDatabaseAdapter, User } from "./adapters.js";
import { callHost } from "./options.js";

// One customer creation per user at a time in this process; across processes Stripe's idempotency
// key (bound to the user) makes concurrent creations return the same customer.
const pending = new Map<string, Promise<string>>();

const encoder = new TextEncoder();

/** SHA-256 of the parts joined by NUL, hex: an idempotency key that names nothing in clear. */
export async function idempotencyHash(parts: readonly (string | number)[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(parts.join("\u0000")));
  return toHex(new Uint8Array(digest));
}

/**
 * The customer idempotency key of a user: bound to the route's namespace (one app, one database),
 * the user id and the user's email (and creation time when the adapter gives one), so two apps on
 * one Stripe account, or a reset database that hands out user id 1 again, never share a customer.
 */
export function customerKey(namespace: string, user: User): Promise<string> {
  const created = user.createdAt instanceof Date ? user.createdAt.getTime() : "";
  return idempotencyHash([namespace, user.id, user.email, created]).then((hash) => `tollgate-customer-${hash}`);
}

/**
 * The user's Stripe customer id, creating the customer (idempotency key from `customerKey`) and
 * saving it with `updateUser` when the user has none yet.
 */
export async function ensureStripeCustomer(
  ctx: RouteContext,
  adapter: CheckoutDatabaseAdapter,
  stripe: Stripe,
  user: User,
  namespace: string,
): Promise<string> {
  if (user.stripeCustomerId) return user.stripeCustomerId;
  const key = await customerKey(namespace, user);
  let creation = pending.get(key);
  if (creation === undefined) {
    creation = createCustomer(ctx, adapter, stripe, user, key).finally(() => pending.delete(key));
    pending.set(key, creation);
  }
  return creation;
}

async function createCustomer(
  ctx: RouteContext,
  adapter: CheckoutDatabaseAdapter,
  stripe: Stripe,
  user: User,
  idempotencyKey: string,
): Promise<string> {
  // Another request may have saved one since this one read the user.
  const fresh = await callHost(
    ctx,
    "findUserByEmail",
    () => adapter.findUserByEmail(user.email),
    "INTERNAL_ERROR",
    "read",
  );
  if (fresh?.stripeCustomerId) return fresh.stripeCustomerId;
  const customer = await callStripe("customers.create", () =>
    stripe.customers.create({ email: user.email, metadata: { userId: user.id } }, { idempotencyKey }),
  );
  await callHost(
    ctx,
    "updateUser",
    () => adapter.updateUser(user.id, { stripeCustomerId: customer.id }),
    "INTERNAL_ERROR",
  );
  return customer.id;
}
