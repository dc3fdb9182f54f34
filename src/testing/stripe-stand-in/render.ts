import type {
  Account,
  CheckoutSessionRecord,
  CustomerRecord,
  InvoiceRecord,
  PortalSessionRecord,
  PriceRecord,
  StripeObject,
  SubscriptionRecord,
} from "./state.js";

/** Before this API version the billing period sits on the subscription; from it on, on each item. */
export const ITEM_PERIODS_SINCE = "2025-03-31";

/** True for API versions that put `current_period_*` on the subscription (and the invoice's `subscription` on top). */
export function isLegacyShape(apiVersion: string): boolean {
  return apiVersion.slice(0, 10) < ITEM_PERIODS_SINCE;
}

/** The hosted Checkout page of a session, as Stripe returns it (the stand-in serves it under `/checkout/<id>`). */
export function checkoutUrlOf(id: string): string {
  return `https://checkout.stripe.com/c/pay/${id}`;
}

/** The Billing Portal page of a session, as Stripe returns it (the stand-in serves it under `/portal/<id>`). */
export function portalUrlOf(id: string): string {
  return `https://billing.stripe.com/p/session/${id}`;
}

export function renderPrice(price: PriceRecord): StripeObject {
  return {
    id: price.id,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: price.created,
    currency: price.currency,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: price.product,
    recurring: { interval: price.interval, interval_count: price.interval_count, usage_type: "licensed" },
    type: "recurring",
    unit_amount: price.unit_amount,
  };
}

function renderPlan(price: PriceRecord): StripeObject {
  return {
    id: price.id,
    object: "plan",
    active: true,
    amount: price.unit_amount,
    currency: price.currency,
    interval: price.interval,
    interval_count: price.interval_count,
    livemode: false,
    product: price.product,
  };
}

export function renderCustomer(customer: CustomerRecord): StripeObject {
  return {
    id: customer.id,
    object: "customer",
    created: customer.created,
    description: null,
    email: customer.email,
    livemode: false,
    metadata: { ...customer.metadata },
    name: customer.name,
  };
}

export function renderSubscription(account: Account, sub: SubscriptionRecord, apiVersion: string): StripeObject {
  const legacy = isLegacyShape(apiVersion);
  const period = { current_period_end: sub.current_period_end, current_period_start: sub.current_period_start };
  const items = sub.items.map((item) => {
    const price = account.price(item.price);
    return {
      id: item.id,
      object: "subscription_item",
      created: item.created,
      ...(legacy ? { plan: renderPlan(price) } : period),
      metadata: {},
      price: renderPrice(price),
      quantity: item.quantity,
      subscription: sub.id,
    };
  });
  const first = account.price(sub.items[0]?.price ?? "");
  return {
    id: sub.id,
    object: "subscription",
    billing_cycle_anchor: sub.start_date,
    billing_mode:
      sub.billing_mode === "flexible"
        ? { type: "flexible", flexible: { proration_discounts: "included" }, updated_at: sub.created }
        : { type: "classic", flexible: null },
    cancel_at: sub.cancel_at,
    cancel_at_period_end: sub.cancel_at_period_end,
    canceled_at: sub.canceled_at,
    cancellation_details: { comment: null, feedback: null, reason: sub.cancellation_reason },
    collection_method: "charge_automatically",
    created: sub.created,
    currency: first.currency,
    customer: sub.customer,
    ...(legacy ? period : {}),
    default_payment_method: null,
    ended_at: sub.ended_at,
    items: {
      object: "list",
      data: items,
      has_more: false,
      total_count: items.length,
      url: `/v1/subscription_items?subscription=${sub.id}`,
    },
    latest_invoice: sub.latest_invoice,
    livemode: false,
    metadata: { ...sub.metadata },
    ...(legacy ? { plan: renderPlan(first), quantity: sub.items[0]?.quantity ?? 1 } : {}),
    start_date: sub.start_date,
    status: sub.status,
    trial_end: sub.trial_end,
    trial_start: sub.trial_start,
  };
}

export function renderInvoice(account: Account, invoice: InvoiceRecord, apiVersion: string): StripeObject {
  const sub = account.subscriptions.get(invoice.subscription);
  const lines = invoice.lines.map((line, index) => ({
    id: `il_${invoice.id.slice(3)}${index}`,
    object: "line_item",
    amount: account.price(line.price).unit_amount * line.quantity,
    currency: invoice.currency,
    period: { start: invoice.period_start, end: invoice.period_end },
    pricing: {
      price_details: { price: line.price, product: account.price(line.price).product },
      type: "price_details",
    },
    quantity: line.quantity,
  }));
  return {
    id: invoice.id,
    object: "invoice",
    amount_due: invoice.amount_due,
    amount_paid: invoice.amount_paid,
    amount_remaining: invoice.amount_due - invoice.amount_paid,
    billing_reason: invoice.billing_reason,
    created: invoice.created,
    currency: invoice.currency,
    customer: invoice.customer,
    lines: {
      object: "list",
      data: lines,
      has_more: false,
      total_count: lines.length,
      url: `/v1/invoices/${invoice.id}/lines`,
    },
    livemode: false,
    parent: {
      type: "subscription_details",
      subscription_details: { metadata: { ...(sub?.metadata ?? {}) }, subscription: invoice.subscription },
    },
    period_end: invoice.period_end,
    period_start: invoice.period_start,
    status: invoice.status,
    ...(isLegacyShape(apiVersion) ? { subscription: invoice.subscription, paid: invoice.status === "paid" } : {}),
  };
}

export function renderCheckoutSession(session: CheckoutSessionRecord): StripeObject {
  return {
    id: session.id,
    object: "checkout.session",
    cancel_url: session.cancel_url,
    client_reference_id: session.client_reference_id,
    created: session.created,
    customer: session.customer,
    customer_details: session.customer_details ? { ...session.customer_details } : null,
    customer_email: session.customer_email,
    expires_at: session.expires_at,
    livemode: false,
    metadata: { ...session.metadata },
    mode: session.mode,
    payment_status: session.payment_status,
    status: session.status,
    subscription: session.subscription,
    success_url: session.success_url,
    ui_mode: "hosted",
    url: session.status === "open" ? checkoutUrlOf(session.id) : null,
  };
}

export function renderPortalSession(session: PortalSessionRecord): StripeObject {
  return {
    id: session.id,
    object: "billing_portal.session",
    configuration: "bpc_stand_in",
    created: session.created,
    customer: session.customer,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: session.return_url,
    url: portalUrlOf(session.id),
  };
}

/** The stored object with `id` rendered at `apiVersion`, whatever its type, or undefined. */
export function renderById(account: Account, id: string, apiVersion: string): StripeObject | undefined {
  const sub = account.subscriptions.get(id);
  if (sub) return renderSubscription(account, sub, apiVersion);
  const customer = account.customers.get(id);
  if (customer) return renderCustomer(customer);
  const invoice = account.invoices.get(id);
  if (invoice) return renderInvoice(account, invoice, apiVersion);
  const session = account.checkoutSessions.get(id);
  if (session) return renderCheckoutSession(session);
  const price = account.prices.get(id);
  return price ? renderPrice(price) : undefined;
}

/**
 * Replaces the ids named in `expand` (`subscription`, `customer`, `latest_invoice`, `data.customer`
 * in a list, `subscription.latest_invoice`, …) with the objects, as Stripe's `expand[]` does.
 */
export function expand(account: Account, object: Record<string, unknown>, paths: string[], apiVersion: string): void {
  for (const path of paths) {
    const [head, ...rest] = path.split(".");
    if (head === undefined) continue;
    if (head === "data" && Array.isArray(object.data)) {
      for (const item of object.data) expand(account, item as Record<string, unknown>, [rest.join(".")], apiVersion);
      continue;
    }
    let value = object[head];
    if (typeof value === "string") {
      const found = renderById(account, value, apiVersion);
      if (found) object[head] = value = found;
    }
    if (rest.length > 0 && value && typeof value === "object") {
      expand(account, value as Record<string, unknown>, [rest.join(".")], apiVersion);
    }
  }
}
