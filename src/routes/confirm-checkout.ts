import type Stripe from "stripe";
import type { RouteContext } from "../http/context.js";
import { TollgateError } from "../http/errors.js";
import { isCheckoutSessionId, MAX_SESSION_ID_LENGTH, readReturnedCheckout } from "../stripe/checkout-session.js";
import { assertStripeClientOptions, callStripe, lazyStripeClient, type StripeClientOptions } from "../stripe/client.js";
import { retrieveSubscription, subscriptionRow } from "../stripe/subscription.js";
import type { WebhookDatabaseAdapter } from "./adapters.js";
import { assertFunction, assertObject, callHost } from "./options.js";

/**
 * Confirm on return: lets the status route apply a finished Checkout before it answers, so the page
 * Stripe sends the customer back to already shows the paid state even when the webhook is late.
 */
export interface ConfirmCheckoutOptions {
  /**
   * How to reach Stripe (a secret or restricted key, or a ready client). Only used for a request that
   * carries a `session_id`; without a usable key such a request answers 500 `CONFIGURATION_ERROR`.
   */
  stripe: StripeClientOptions;
  /**
   * The webhook route's `upsertSubscription`: the same row, the same mapping, the same stale-write
   * rule. Its `data.eventCreatedAt` is the time Stripe's copy was read, so a webhook landing later
   * with an older event changes nothing, and a refetch that read later wins.
   */
  upsertSubscription: WebhookDatabaseAdapter["upsertSubscription"];
}

/** Reads a `session_id` from the success URL and applies the session it names, for its owner only. */
export type CheckoutConfirmer = (
  ctx: RouteContext,
  sessionId: string,
  user: { id: string; email: string },
) => Promise<void>;

/** Checks `session_id` before anything else happens: malformed → 400 `VALIDATION_ERROR`, no Stripe call. */
export function assertSessionId(sessionId: string): void {
  if (!isCheckoutSessionId(sessionId)) {
    throw new TollgateError("VALIDATION_ERROR", {
      details: {
        session_id: [
          `Expected a Checkout Session id: cs_test_ or cs_live_ and letters or digits, at most ${MAX_SESSION_ID_LENGTH} characters.`,
        ],
      },
    });
  }
}

/**
 * Builds the confirm step of the status route. Retrieves the Checkout Session; when it is
 * `complete`, in `subscription` mode, and the caller's (its `client_reference_id` is the caller's
 * user id, or its customer email is the caller's email), reads its subscription from Stripe and
 * writes it through `upsertSubscription`. Anything else changes nothing. Any Stripe failure is 502
 * `UPSTREAM_ERROR`; an adapter failure 500 `INTERNAL_ERROR`.
 */
export function createCheckoutConfirmer(options: ConfirmCheckoutOptions): CheckoutConfirmer {
  assertObject(options, "confirmCheckout");
  const { stripe: access, upsertSubscription: upsert } = options as ConfirmCheckoutOptions;
  assertObject(access, "confirmCheckout.stripe");
  assertStripeClientOptions(access, "confirmCheckout.stripe");
  assertFunction(upsert, "confirmCheckout.upsertSubscription");
  const client: () => Promise<Stripe> = lazyStripeClient(
    Object.freeze({ secretKey: access.secretKey as string | undefined, client: access.client as Stripe | undefined }),
  );

  return async function confirmCheckout(ctx, sessionId, user) {
    const stripe = await client();
    const raw = await callStripe("checkout.sessions.retrieve", () => stripe.checkout.sessions.retrieve(sessionId));
    const session = readReturnedCheckout(raw);
    if (!session.paidSubscription) {
      ctx.audit.syncStatus = "checkout-incomplete";
      return;
    }
    if (session.userId !== user.id && session.email !== user.email) {
      // Someone else's session: a warning, since a session id is only ever in its owner's success URL.
      ctx.audit.syncStatus = "checkout-not-owner";
      ctx.audit.level = "warn";
      return;
    }
    const current = await retrieveSubscription(client, session.subscriptionId as string);
    const data = subscriptionRow(current.subscription, user.id, new Date(current.readAt));
    await callHost(ctx, "upsertSubscription", () => upsert(data), "INTERNAL_ERROR");
    ctx.audit.syncStatus = "confirmed";
  };
}
