import type Stripe from "stripe";

/** A Stripe API call the fake saw. */
export interface FakeCall {
  method: "events.list" | "subscriptions.list" | "subscriptions.retrieve";
  params: Record<string, unknown>;
}

type StripeObject = Record<string, unknown> & { id: string; created?: number };
interface StoredEvent {
  id: string;
  object: "event";
  type: string;
  created: number;
  api_version: string;
  data: { object: StripeObject };
}

/**
 * A Stripe client double for the reconcile sweep: an event log and subscriptions, listed the way
 * Stripe lists them (newest first, `created` range, `types`, `starting_after`, `limit` ≤ 100).
 */
export function fakeStripe() {
  const events: StoredEvent[] = [];
  const subscriptions = new Map<string, StripeObject>();
  const calls: FakeCall[] = [];
  let failure: Error | null = null;
  let delayMs = 0;
  let seq = 0;

  async function guard(call: FakeCall): Promise<void> {
    calls.push(call);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (failure) throw failure;
  }

  function page<T extends { id: string }>(sorted: T[], params: { limit?: number; starting_after?: string }) {
    const limit = Math.min(params.limit ?? 10, 100);
    const start = params.starting_after === undefined ? 0 : sorted.findIndex((x) => x.id === params.starting_after) + 1;
    const data = sorted.slice(start, start + limit);
    return { object: "list", data, has_more: start + limit < sorted.length, url: "/v1/list" };
  }

  const client = {
    events: {
      async list(params: Stripe.EventListParams = {}) {
        await guard({ method: "events.list", params: { ...params } });
        const range = (params.created ?? {}) as Stripe.RangeQueryParam;
        const selected = events
          .filter((event) => range.gte === undefined || event.created >= range.gte)
          .filter((event) => range.lte === undefined || event.created <= range.lte)
          .filter((event) => params.types === undefined || params.types.includes(event.type));
        // Newest first; within one second, the later event first.
        return page(selected.reverse(), params);
      },
    },
    subscriptions: {
      async list(params: Stripe.SubscriptionListParams = {}) {
        await guard({ method: "subscriptions.list", params: { ...params } });
        const all = [...subscriptions.values()].reverse();
        return page(params.status === "all" ? all : all.filter((s) => s.status !== "canceled"), params);
      },
      async retrieve(id: string) {
        await guard({ method: "subscriptions.retrieve", params: { id } });
        const found = subscriptions.get(id);
        if (!found) throw Object.assign(new Error(`No such subscription: '${id}'`), { statusCode: 404 });
        return structuredClone(found);
      },
    },
  };

  return {
    client: client as unknown as Stripe,
    calls,
    callsOf: (method: FakeCall["method"]) => calls.filter((call) => call.method === method),
    /** Records an event (and, for subscription events, the subscription's new state). */
    emit(type: string, object: StripeObject, created: number): StoredEvent {
      const event: StoredEvent = {
        id: `evt_${String(++seq).padStart(6, "0")}`,
        object: "event",
        type,
        created,
        api_version: "2025-03-31.basil",
        data: { object: structuredClone(object) },
      };
      if (type.startsWith("customer.subscription.")) subscriptions.set(object.id, structuredClone(object));
      events.push(event);
      return event;
    },
    putSubscription(object: StripeObject): void {
      subscriptions.set(object.id, structuredClone(object));
    },
    /** Makes every call throw `error` (null: stop). */
    fail(error: Error | null): void {
      failure = error;
    },
    /** Makes every call take `ms` (fake timers advance it). */
    delay(ms: number): void {
      delayMs = ms;
    },
  };
}

/** A subscription as Stripe returns it from API version 2025-03-31 on. */
export function stripeSubscription(id: string, customer: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    object: "subscription",
    customer,
    status: "active",
    cancel_at_period_end: false,
    created: 1_764_000_000,
    items: {
      object: "list",
      data: [{ id: `si_${id}`, price: { id: "price_basic" }, current_period_end: 1_767_000_000 }],
    },
    ...fields,
  };
}
