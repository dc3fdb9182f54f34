import type Stripe from "stripe";
import type { RouteContext } from "../http/context.js";
import { callStripe } from "../stripe/client.js";
import type { CheckoutDatabaseAdapter, User } from "./adapters.js";
import { callHost } from "./options.js";

// One customer creation per user at a time in this process; across processes Stripe's idempotency
// key (bound to the user id) makes concurrent creations return the same customer.
const pending = new Map<string, Promise<string>>();

/**
 * The user's Stripe customer id, creating the customer (idempotency key `tollgate-customer-<user id>`)
 * and saving it with `updateUser` when the user has none yet.
 */
export function ensureStripeCustomer(
  ctx: RouteContext,
  adapter: CheckoutDatabaseAdapter,
  stripe: Stripe,
  user: User,
): Promise<string> {
  if (user.stripeCustomerId) return Promise.resolve(user.stripeCustomerId);
  let creation = pending.get(user.id);
  if (creation === undefined) {
    creation = createCustomer(ctx, adapter, stripe, user).finally(() => pending.delete(user.id));
    pending.set(user.id, creation);
  }
  return creation;
}

async function createCustomer(
  ctx: RouteContext,
  adapter: CheckoutDatabaseAdapter,
  stripe: Stripe,
  user: User,
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
    stripe.customers.create(
      { email: user.email, metadata: { userId: user.id } },
      { idempotencyKey: `tollgate-customer-${user.id}` },
    ),
  );
  await callHost(
    ctx,
    "updateUser",
    () => adapter.updateUser(user.id, { stripeCustomerId: customer.id }),
    "INTERNAL_ERROR",
  );
  return customer.id;
}
