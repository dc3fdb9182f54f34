import { invalid, missing, noSuch, StandInError } from "./errors.js";
import { listParam, type Params, recordParam, stringParam } from "./form.js";
import { createSubscription } from "./lifecycle.js";
import { renderCheckoutSession, renderCustomer, renderPortalSession, renderSubscription } from "./render.js";
import type {
  Account,
  CheckoutSessionRecord,
  CustomerRecord,
  PortalSessionRecord,
  RequestRef,
  StripeObject,
} from "./state.js";

const DAY = 86_400;

/** `POST /v1/customers`: records `customer.created`. */
export function createCustomer(account: Account, params: Params, request?: RequestRef): CustomerRecord {
  const customer: CustomerRecord = {
    id: account.id("cus", 14),
    email: stringParam(params, "email") ?? null,
    name: stringParam(params, "name") ?? null,
    metadata: recordParam(params, "metadata"),
    created: account.now(),
  };
  account.customers.set(customer.id, customer);
  account.record("customer.created", renderCustomer(customer), request ? { request } : {});
  return customer;
}

function mode(params: Params): CheckoutSessionRecord["mode"] {
  const value = stringParam(params, "mode");
  if (value === undefined) throw missing("mode");
  if (value !== "subscription" && value !== "payment" && value !== "setup") {
    throw invalid("mode", `Invalid mode: must be one of payment, setup, or subscription`);
  }
  return value;
}

function lineItems(params: Params, sessionMode: string): CheckoutSessionRecord["line_items"] {
  const items = listParam(params, "line_items").map((item, index) => {
    const price = typeof item === "object" && !Array.isArray(item) ? item.price : undefined;
    if (typeof price !== "string" || price === "") throw missing(`line_items[${index}][price]`);
    const quantity = typeof item === "object" && !Array.isArray(item) ? Number(item.quantity ?? "1") : 1;
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw invalid(`line_items[${index}][quantity]`, "Invalid integer", "parameter_invalid_integer");
    }
    return { price, quantity };
  });
  if (sessionMode !== "setup" && items.length === 0) throw missing("line_items");
  return items;
}

/** `POST /v1/checkout/sessions`: an open session (no event: Stripe records none on creation). */
export function createCheckoutSession(account: Account, params: Params): CheckoutSessionRecord {
  const sessionMode = mode(params);
  const customer = stringParam(params, "customer") ?? null;
  const email = stringParam(params, "customer_email") ?? null;
  if (customer !== null && !account.customers.has(customer)) throw noSuch("customer", customer, "customer");
  if (customer !== null && email !== null) {
    throw invalid("customer_email", "You may only specify one of these parameters: customer, customer_email.");
  }
  const subscriptionData = params.subscription_data;
  const data = typeof subscriptionData === "object" && !Array.isArray(subscriptionData) ? subscriptionData : {};
  const trial = stringParam(data, "trial_period_days");
  const billingMode = data.billing_mode;
  const billingType = typeof billingMode === "object" && !Array.isArray(billingMode) ? billingMode.type : undefined;
  const now = account.now();
  const session: CheckoutSessionRecord = {
    id: account.id("cs_test", 58),
    mode: sessionMode,
    status: "open",
    payment_status: "unpaid",
    customer,
    customer_email: email,
    customer_details: null,
    client_reference_id: stringParam(params, "client_reference_id") ?? null,
    metadata: recordParam(params, "metadata"),
    subscription: null,
    success_url: stringParam(params, "success_url") ?? null,
    cancel_url: stringParam(params, "cancel_url") ?? null,
    line_items: lineItems(params, sessionMode),
    subscription_data: {
      metadata: recordParam(data, "metadata"),
      trial_period_days: trial === undefined ? null : Number(trial),
      billing_mode: billingType === "flexible" || billingType === "classic" ? billingType : null,
    },
    created: now,
    expires_at: now + DAY,
  };
  for (const item of session.line_items) account.price(item.price);
  account.checkoutSessions.set(session.id, session);
  return session;
}

/** What completing a session produced. */
export interface CompletedCheckoutSession {
  session: StripeObject;
  customer: StripeObject;
  /** The new subscription (subscription mode), else null. */
  subscription: StripeObject | null;
}

/**
 * Completes an open Checkout Session as a customer paying on Stripe's page would: the customer (created
 * from the session's email if it had none), the subscription with its first invoice, then
 * `checkout.session.completed`.
 *
 * @param options.email the email the customer typed (sessions without a customer or `customer_email`).
 */
export function completeCheckout(
  account: Account,
  id: string,
  options: { email?: string; request?: RequestRef } = {},
): CompletedCheckoutSession {
  const session = account.checkoutSessions.get(id);
  if (!session) throw noSuch("checkout.session", id);
  if (session.status !== "open") {
    throw new StandInError(
      400,
      "invalid_request_error",
      `This Checkout Session is no longer active (${session.status}).`,
      {
        code: "checkout_session_inactive",
      },
    );
  }
  const request = options.request;
  let customer = session.customer ? account.customers.get(session.customer) : undefined;
  const email =
    customer?.email ?? session.customer_email ?? options.email ?? `customer-${session.id.slice(-8)}@example.com`;
  customer ??= createCustomer(account, { email }, request);
  session.customer = customer.id;
  session.customer_details = { email };
  let subscription: StripeObject | null = null;
  if (session.mode === "subscription") {
    const created = createSubscription(
      account,
      {
        customer: customer.id,
        items: session.line_items,
        metadata: session.subscription_data.metadata,
        trialDays: session.subscription_data.trial_period_days,
        billingMode: session.subscription_data.billing_mode,
      },
      request,
    );
    session.subscription = created.id;
    subscription = renderSubscription(account, created, account.apiVersion);
  }
  session.status = "complete";
  session.payment_status = session.subscription_data.trial_period_days ? "no_payment_required" : "paid";
  const rendered = renderCheckoutSession(session);
  account.record("checkout.session.completed", rendered, request ? { request } : {});
  return { session: rendered, customer: renderCustomer(customer), subscription };
}

/** `POST /v1/billing_portal/sessions`: a session for an existing customer. */
export function createPortalSession(account: Account, params: Params, request?: RequestRef): PortalSessionRecord {
  const customer = stringParam(params, "customer");
  if (customer === undefined) throw missing("customer");
  if (!account.customers.has(customer)) throw noSuch("customer", customer, "customer");
  const session: PortalSessionRecord = {
    id: account.id("bps"),
    customer,
    return_url: stringParam(params, "return_url") ?? null,
    created: account.now(),
  };
  account.portalSessions.set(session.id, session);
  account.record("billing_portal.session.created", renderPortalSession(session), request ? { request } : {});
  return session;
}
