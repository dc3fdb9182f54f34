import { z } from "zod";
import { TollgateError } from "../http/errors.js";
import { invalidPayload } from "../validation/issue-paths.js";
import { lazy } from "../validation/lazy.js";
import { idOf } from "./subscription.js";

/** A Stripe id, or the expanded object that carries it. */
const idOrObject = lazy(() => z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })]));

const checkoutSessionFields = lazy(() =>
  z.looseObject({
    id: z.string().min(1),
    mode: z.string().nullish(),
    client_reference_id: z.string().nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    customer: idOrObject().nullish(),
    subscription: idOrObject().nullish(),
  }),
);

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
  const result = checkoutSessionFields().safeParse(value);
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

/** `cs_test_…` / `cs_live_…`: what Stripe substitutes for `{CHECKOUT_SESSION_ID}` in a success URL. */
const SESSION_ID = /^cs_(test|live)_[A-Za-z0-9]+$/;
/** Longest `session_id` accepted. */
export const MAX_SESSION_ID_LENGTH = 255;

/** Whether `value` is a well-formed Checkout Session id (checked before Stripe is asked). */
export function isCheckoutSessionId(value: string): boolean {
  return value.length <= MAX_SESSION_ID_LENGTH && SESSION_ID.test(value);
}

const returnedSessionFields = lazy(() =>
  z.looseObject({
    id: z.string().min(1),
    status: z.string().nullish(),
    mode: z.string().nullish(),
    client_reference_id: z.string().nullish(),
    customer_email: z.string().nullish(),
    customer_details: z.looseObject({ email: z.string().nullish() }).nullish(),
    subscription: idOrObject().nullish(),
  }),
);

/** What confirm-on-return needs from a Checkout Session read back from Stripe. */
export interface ReturnedCheckout {
  /** `status: "complete"` and `mode: "subscription"` with a subscription: the only sessions applied. */
  paidSubscription: boolean;
  /** `client_reference_id` (set by `createCheckoutRoute` to the user id), else null. */
  userId: string | null;
  /** `customer_details.email`, else `customer_email`, trimmed and lower-cased; null if neither. */
  email: string | null;
  subscriptionId: string | null;
}

/** Reads a Checkout Session Stripe returned (`UPSTREAM_ERROR` when it is not one). */
export function readReturnedCheckout(value: unknown): ReturnedCheckout {
  const result = returnedSessionFields().safeParse(value);
  if (!result.success) {
    throw new TollgateError("UPSTREAM_ERROR", {
      cause: new Error(`checkout session fields: ${z.prettifyError(result.error)}`),
    });
  }
  const session = result.data;
  const email = nonEmpty(session.customer_details?.email) ?? nonEmpty(session.customer_email);
  const subscriptionId = session.subscription ? idOf(session.subscription) : null;
  return {
    paidSubscription: session.status === "complete" && session.mode === "subscription" && subscriptionId !== null,
    userId: nonEmpty(session.client_reference_id),
    email: email === null ? null : email.trim().toLowerCase(),
    subscriptionId,
  };
}
