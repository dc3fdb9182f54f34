// The routes users would write without tollgate, as the starter projects and vendor docs write them.
import { verifyWebhook } from "@clerk/backend/webhooks";
import Stripe from "stripe";

/**
 * A hand-written Next.js-style Stripe webhook route, as the subscription starters write it:
 * `await request.text()`, `stripe.webhooks.constructEvent`, a `switch` on the type, the writes,
 * `{ received: true }`. No replay window beyond Stripe's default, no idempotency, no audit entry,
 * no validation of the object it writes.
 *
 * @param adapter the same three functions tollgate's route gets
 */
export function seedStripeRoute(adapter, webhookSecret) {
  const stripe = new Stripe("sk_test_bench");
  return async function POST(request) {
    const body = await request.text();
    const signature = request.headers.get("stripe-signature");
    let event;
    try {
      if (!signature || !webhookSecret) return new Response("Webhook secret not found.", { status: 400 });
      event = stripe.webhooks.constructEvent(body, signature, webhookSecret);
    } catch (error) {
      return new Response(`Webhook Error: ${error.message}`, { status: 400 });
    }
    try {
      switch (event.type) {
        case "customer.subscription.created":
        case "customer.subscription.updated": {
          const subscription = event.data.object;
          const user = await adapter.findUserByCustomerId(subscription.customer);
          if (!user) break;
          const item = subscription.items.data[0];
          // The same row tollgate's route writes, so both sides do the same database work.
          await adapter.upsertSubscription({
            id: subscription.id,
            userId: user.id,
            stripeCustomerId: subscription.customer,
            status: subscription.status,
            priceId: item.price.id,
            currentPeriodEnd: new Date(item.current_period_end * 1000),
            cancelAtPeriodEnd: subscription.cancel_at_period_end,
            eventCreatedAt: new Date(event.created * 1000),
          });
          break;
        }
        case "customer.subscription.deleted":
          await adapter.updateSubscriptionStatus(event.data.object.id, "canceled");
          break;
        default:
          break;
      }
    } catch {
      return new Response("Webhook handler failed.", { status: 500 });
    }
    return Response.json({ received: true });
  };
}

/**
 * Clerk's documented webhook route: `verifyWebhook` from `@clerk/backend`, then a dispatch on the
 * event type to the app's handler.
 */
export function clerkVerifyWebhookRoute(signingSecret, handlers) {
  return async function POST(request) {
    let event;
    try {
      event = await verifyWebhook(request, { signingSecret });
    } catch {
      return new Response("Error verifying webhook", { status: 400 });
    }
    const handler = handlers[event.type];
    if (handler) await handler(event.data);
    return new Response("Webhook received", { status: 200 });
  };
}
