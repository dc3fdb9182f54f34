import { z } from "zod";
import { TollgateError } from "../http/errors.js";
import { invalidPayload } from "../validation/issue-paths.js";
import { idOf } from "./subscription.js";

const idOrObject = z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]);

const checkoutSessionFields = z.looseObject({
  id: z.string().min(1),
  mode: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  customer: idOrObject.nullish(),
  subscription: idOrObject.nullish(),
});

/** What the webhook route needs from a completed Checkout Session. */
export interface CompletedCheckout {
  /** True for `mode: "subscription"`; payment and setup sessions are not tollgate's business. */
  subscriptionMode: boolean;
  /** `client_reference_id`, else `metadata.userId` (both set by `createCheckoutRoute`), else null. */
  userId: string | null;
  customerId: string | null;
  subscriptionId: string | null;
}

function nonEmpty(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/**
 * Reads a `checkout.session.completed` object. A subscription-mode session without a subscription
 * is `INVALID_PAYLOAD`: Stripe always sets it, so something is wrong with the event.
 */
export function readCompletedCheckout(value: unknown): CompletedCheckout {
  const result = checkoutSessionFields.safeParse(value);
  const session = result.success ? result.data : null;
  const subscriptionMode = session?.mode === "subscription";
  if (!result.success) throw invalidPayload("checkout session", result.error);
  if (session === null || (subscriptionMode && !session.subscription)) {
    throw new TollgateError("INVALID_PAYLOAD", {
      message: "The event does not carry a valid checkout session (invalid: subscription).",
      fields: ["subscription"],
    });
  }
  return {
    subscriptionMode,
    userId: nonEmpty(session.client_reference_id) ?? nonEmpty(session.metadata?.userId),
    customerId: session.customer ? idOf(session.customer) : null,
    subscriptionId: session.subscription ? idOf(session.subscription) : null,
  };
}
