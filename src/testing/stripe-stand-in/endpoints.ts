import { createCheckoutSession, createCustomer, createPortalSession } from "./checkout.js";
import { invalid, noSuch } from "./errors.js";
import { listParam, type Param, type Params, recordParam, stringParam } from "./form.js";
import { cancelSubscription, type SubscriptionChanges, updateSubscription } from "./lifecycle.js";
import { createdFilter, type ListPage, paginate } from "./list.js";
import {
  expand,
  renderCheckoutSession,
  renderCustomer,
  renderInvoice,
  renderPortalSession,
  renderSubscription,
} from "./render.js";
import type { Account, RequestRef, StripeObject } from "./state.js";

/** What an endpoint gets: the account, the decoded params, the id in the path, the API version to answer in. */
export interface EndpointContext {
  account: Account;
  params: Params;
  id: string;
  apiVersion: string;
  request: RequestRef;
}

export interface Endpoint {
  method: "GET" | "POST" | "DELETE";
  /** `:id` matches one path segment. */
  path: string;
  handle(ctx: EndpointContext): StripeObject | ListPage;
}

const SUBSCRIPTION_STATUSES = new Set([
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
]);

function expanded(ctx: EndpointContext, object: StripeObject | ListPage): StripeObject | ListPage {
  const paths = listParam(ctx.params, "expand").filter((path): path is string => typeof path === "string");
  if (paths.length > 0) expand(ctx.account, object as Record<string, unknown>, paths, ctx.apiVersion);
  return object;
}

/** The subscription `ctx.id` as Stripe renders it after the call (404 if there is none). */
function subscriptionAnswer(ctx: EndpointContext): StripeObject | ListPage {
  const sub = found(ctx.account.subscriptions.get(ctx.id), "subscription", ctx.id);
  return expanded(ctx, renderSubscription(ctx.account, sub, ctx.apiVersion));
}

function found<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw noSuch(what, id);
  return value;
}

function subscriptionChanges(params: Params): SubscriptionChanges {
  const changes: SubscriptionChanges = {};
  const atPeriodEnd = stringParam(params, "cancel_at_period_end");
  if (atPeriodEnd !== undefined) {
    if (atPeriodEnd !== "true" && atPeriodEnd !== "false") throw invalid("cancel_at_period_end", "Invalid boolean");
    changes.cancel_at_period_end = atPeriodEnd === "true";
  }
  const cancelAt = stringParam(params, "cancel_at");
  if (cancelAt === "") changes.cancel_at = null;
  else if (cancelAt === "min_period_end" || cancelAt === "max_period_end") changes.cancel_at = cancelAt;
  else if (cancelAt !== undefined) {
    if (!/^\d+$/.test(cancelAt))
      throw invalid("cancel_at", `Invalid integer: ${cancelAt}`, "parameter_invalid_integer");
    changes.cancel_at = Number(cancelAt);
  }
  const [item] = listParam(params, "items");
  const price = typeof item === "object" && !Array.isArray(item) ? item.price : undefined;
  if (typeof price === "string") changes.price = price;
  if (params.metadata !== undefined) changes.metadata = recordParam(params, "metadata");
  if (stringParam(params, "trial_end") === "now") changes.trial_end = "now";
  return changes;
}

function statusFilter(params: Params): (status: unknown) => boolean {
  const status = stringParam(params, "status");
  if (status !== undefined && !SUBSCRIPTION_STATUSES.has(status)) {
    throw invalid("status", `Invalid status: must be one of ${[...SUBSCRIPTION_STATUSES].join(", ")}`);
  }
  if (status === undefined) return (value) => value !== "canceled" && value !== "incomplete_expired";
  if (status === "all") return () => true;
  if (status === "ended") return (value) => value === "canceled" || value === "incomplete_expired";
  return (value) => value === status;
}

/** `type=customer.subscription.*` or `types[]=…` (at most 20): which event types to list. */
function typeFilter(params: Params): (type: string) => boolean {
  const types = listParam(params, "types").filter((type): type is string => typeof type === "string");
  if (types.length > 20) throw invalid("types", "You may pass at most 20 types.");
  const type = stringParam(params, "type");
  if (type !== undefined && types.length > 0)
    throw invalid("types", "You may only specify one of these parameters: type, types.");
  if (types.length > 0) return (value) => types.includes(value);
  if (type === undefined) return () => true;
  if (type.endsWith("*")) return (value) => value.startsWith(type.slice(0, -1));
  return (value) => value === type;
}

const created = (params: Params): ((object: StripeObject) => boolean) => {
  const filter = createdFilter(params.created as Param | undefined);
  return (object) => filter(object.created as number);
};

/** The Stripe API calls the stand-in answers (the ones tollgate makes, and the moves a test may make over HTTP). */
export const ENDPOINTS: Endpoint[] = [
  {
    method: "POST",
    path: "/v1/customers",
    handle: (ctx) => expanded(ctx, renderCustomer(createCustomer(ctx.account, ctx.params, ctx.request))),
  },
  {
    method: "GET",
    path: "/v1/customers/:id",
    handle: (ctx) => expanded(ctx, renderCustomer(found(ctx.account.customers.get(ctx.id), "customer", ctx.id))),
  },
  {
    method: "POST",
    path: "/v1/checkout/sessions",
    handle: (ctx) => expanded(ctx, renderCheckoutSession(createCheckoutSession(ctx.account, ctx.params))),
  },
  {
    method: "GET",
    path: "/v1/checkout/sessions/:id",
    handle: (ctx) =>
      expanded(ctx, renderCheckoutSession(found(ctx.account.checkoutSessions.get(ctx.id), "checkout.session", ctx.id))),
  },
  {
    method: "POST",
    path: "/v1/billing_portal/sessions",
    handle: (ctx) => expanded(ctx, renderPortalSession(createPortalSession(ctx.account, ctx.params, ctx.request))),
  },
  {
    method: "GET",
    path: "/v1/subscriptions",
    handle: (ctx) => {
      const { account, params } = ctx;
      const status = statusFilter(params);
      const customer = stringParam(params, "customer");
      const price = stringParam(params, "price");
      const inRange = created(params);
      const all = [...account.subscriptions.values()]
        .reverse()
        .map((sub) => renderSubscription(account, sub, ctx.apiVersion));
      const keep = (object: StripeObject) => {
        const sub = account.subscriptions.get(object.id);
        return (
          sub !== undefined &&
          status(sub.status) &&
          (customer === undefined || sub.customer === customer) &&
          (price === undefined || sub.items.some((item) => item.price === price)) &&
          inRange(object)
        );
      };
      return expanded(ctx, paginate(all, keep, params, "/v1/subscriptions", "subscription"));
    },
  },
  {
    method: "GET",
    path: "/v1/subscriptions/:id",
    handle: subscriptionAnswer,
  },
  {
    method: "POST",
    path: "/v1/subscriptions/:id",
    handle: (ctx) => {
      updateSubscription(ctx.account, ctx.id, subscriptionChanges(ctx.params), ctx.request);
      return subscriptionAnswer(ctx);
    },
  },
  {
    method: "DELETE",
    path: "/v1/subscriptions/:id",
    handle: (ctx) => {
      cancelSubscription(ctx.account, ctx.id, ctx.request);
      return subscriptionAnswer(ctx);
    },
  },
  {
    method: "GET",
    path: "/v1/invoices/:id",
    handle: (ctx) => {
      const invoice = found(ctx.account.invoices.get(ctx.id), "invoice", ctx.id);
      return expanded(ctx, renderInvoice(ctx.account, invoice, ctx.apiVersion));
    },
  },
  {
    method: "GET",
    path: "/v1/events",
    handle: (ctx) => {
      const type = typeFilter(ctx.params);
      const inRange = created(ctx.params);
      const all = [...ctx.account.events].reverse() as unknown as StripeObject[];
      const keep = (event: StripeObject) => type(event.type as string) && inRange(event);
      return expanded(ctx, structuredClone(paginate(all, keep, ctx.params, "/v1/events", "event")));
    },
  },
  {
    method: "GET",
    path: "/v1/events/:id",
    handle: (ctx) => {
      const event = ctx.account.events.find((candidate) => candidate.id === ctx.id);
      return structuredClone(found(event, "event", ctx.id)) as unknown as StripeObject;
    },
  },
];
