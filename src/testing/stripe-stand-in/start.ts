import type Stripe from "stripe";
import { createStandInApi, type StandInRequest } from "./api.js";
import { completeCheckout, createCustomer } from "./checkout.js";
import { advanceClock } from "./clock.js";
import { type Delivery, type DeliveryOptions, startDelivery } from "./delivery.js";
import { noSuch } from "./errors.js";
import {
  cancelSubscription,
  createSubscription,
  endTrial,
  payLatestInvoice,
  renewSubscription,
  type SubscriptionChanges,
  setPaymentsFail,
  updateSubscription,
} from "./lifecycle.js";
import { listen } from "./listen.js";
import { randomSeed, seededRandom } from "./random.js";
import { renderCustomer, renderSubscription } from "./render.js";
import { type Account, createAccount, type StandInEvent, type StripeObject } from "./state.js";

const asSubscription = (object: StripeObject) => object as unknown as Stripe.Subscription;
const asCustomer = (object: StripeObject) => object as unknown as Stripe.Customer;

/** The API version the stand-in answers in by default: the newest the `stripe` SDK this release was built with knows. */
export const STAND_IN_API_VERSION = "2026-10-28.endive";

/** Options of `startStripeStandIn`. */
export interface StripeStandInOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /**
   * API version of the events and of answers to requests without a `Stripe-Version` header. Before
   * `2025-03-31` subscriptions carry `current_period_*` themselves (the legacy shape); from it on,
   * their items do. @default STAND_IN_API_VERSION
   */
  apiVersion?: string;
  /**
   * Billing mode of new subscriptions. In `flexible` mode a cancellation at the period end is
   * `cancel_at` = the period end with `cancel_at_period_end: false`; in `classic`, `cancel_at_period_end: true`.
   * @default "flexible" (Stripe's default for new subscriptions)
   */
  billingMode?: "flexible" | "classic";
  /** Seed of the ids and of deliveries' drops, duplicates and order (printed by `seed`). @default random */
  seed?: number;
  /** Unix seconds: a manual clock that starts here and moves only with `advance()`. @default the real clock */
  startTime?: number;
  /** The key `client` uses (any `sk_test_…`; the stand-in takes any test key). @default "sk_test_stand_in" */
  secretKey?: string;
}

/** A subscription created directly (without Checkout). */
export interface SubscriptionInput {
  /** An existing customer's id (`customers.create`, or one your app created through the API). */
  customer: string;
  /** A price id; unknown ids are created on first use at 10.00 USD a month. */
  price: string;
  /** @default 1 */
  quantity?: number;
  /** The subscription's metadata. @default {} */
  metadata?: Record<string, string>;
  /** Days of trial (`trialing` until then). @default 0 */
  trialDays?: number;
  /** @default the stand-in's `billingMode` */
  billingMode?: "flexible" | "classic";
}

/** What completing a Checkout Session produced (the objects at the account's API version). */
export interface CompletedCheckoutSession {
  session: Stripe.Checkout.Session;
  customer: Stripe.Customer;
  /** The new subscription (subscription mode), else null. */
  subscription: Stripe.Subscription | null;
}

/** A running Stripe stand-in. Its moves record events, as Stripe would, with the stand-in's clock. */
export interface StripeStandIn {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The seed in use (print it when a randomized test fails, pass it back to replay). */
  readonly seed: number;
  /** The key `client` uses. */
  readonly secretKey: string;
  /** A `stripe` SDK client aimed at the stand-in. Throws when the `stripe` package (an optional peer) is not installed. */
  readonly client: Stripe;
  /** Every API call received, in order. */
  readonly requests: StandInRequest[];
  /** Every event recorded, oldest first (`GET /v1/events` lists them newest first). */
  readonly events: readonly StandInEvent[];
  /** The stand-in as a Web handler (`Request` → `Response`), e.g. for msw or an in-process fetch. */
  fetch(request: Request): Promise<Response>;
  /** The stand-in's page for a Checkout or Billing Portal URL it returned (`https://checkout.stripe.com/c/pay/<id>` → `${url}/checkout/<id>`). */
  localPageFor(stripeUrl: string): string;
  /** Unix seconds on the stand-in's clock. */
  now(): number;
  /** Moves the clock forward; trials end, scheduled cancellations happen and periods renew on the way. */
  advance(seconds: number): void;
  /** Completes an open Checkout Session as a paying customer would (what the page's "Pay" button does). */
  completeCheckout(sessionId: string, options?: { email?: string }): CompletedCheckoutSession;
  readonly customers: {
    create(params?: { email?: string; name?: string; metadata?: Record<string, string> }): Stripe.Customer;
    retrieve(id: string): Stripe.Customer;
  };
  readonly subscriptions: {
    create(input: SubscriptionInput): Stripe.Subscription;
    retrieve(id: string): Stripe.Subscription;
    /** Every subscription, newest first, canceled ones included. */
    list(): Stripe.Subscription[];
    /** A price change, a cancellation scheduled or unscheduled, metadata, `trial_end: "now"`. */
    update(id: string, changes: SubscriptionChanges): Stripe.Subscription;
    /** Cancels now (`customer.subscription.deleted`). */
    cancel(id: string): Stripe.Subscription;
    /** Unschedules a scheduled cancellation. */
    resume(id: string): Stripe.Subscription;
    endTrial(id: string): Stripe.Subscription;
    /** The period ends now; the next is billed. */
    renew(id: string): Stripe.Subscription;
    /** Makes the next payments fail (or succeed again): a renewal then goes `past_due`. */
    failPayments(id: string, fail?: boolean): void;
    /** Pays the open invoice: `past_due` → `active`. */
    pay(id: string): Stripe.Subscription;
  };
  /** Delivers every event recorded from now on, signed, to a webhook URL (see `DeliveryOptions`). */
  deliverTo(options: DeliveryOptions): Delivery;
  /** Stops the server and every delivery. */
  close(): Promise<void>;
}

type StripeConstructor = new (key: string, config: Record<string, unknown>) => Stripe;

async function loadStripe(): Promise<StripeConstructor | Error> {
  try {
    // Hidden from bundlers: `stripe` is an optional peer.
    const module = await import(/* webpackIgnore: true */ /* @vite-ignore */ "stripe");
    return ((module as { default?: unknown }).default ?? module) as StripeConstructor;
  } catch (error) {
    return new Error("tollgate/testing: the stand-in's `client` needs the stripe package (npm install stripe)", {
      cause: error,
    });
  }
}

const CHECKOUT_URL = /^https:\/\/checkout\.stripe\.com\/c\/pay\/([^/?#]+)/;
const PORTAL_URL = /^https:\/\/billing\.stripe\.com\/p\/session\/([^/?#]+)/;

/**
 * Starts a local Stripe stand-in on 127.0.0.1: the API calls tollgate makes (customers, Checkout and
 * Billing Portal sessions, subscriptions, events, with Stripe's idempotency-key rules, errors and list
 * pagination), the account's state, lifecycle moves that record events as Stripe would, hosted
 * Checkout/portal pages, and signed delivery of the events to your webhook route. Offline; Node only.
 *
 * @example
 * const stripe = await startStripeStandIn();
 * const checkout = createCheckoutRoute({ ...adapter, stripe: { client: stripe.client, priceId: "price_pro", successUrl, cancelUrl } });
 * const delivery = stripe.deliverTo({ url: "http://127.0.0.1:3000/api/webhooks/stripe", secret: "whsec_test" });
 * stripe.completeCheckout(sessionId);
 * await delivery.flush();
 * await stripe.close();
 */
export async function startStripeStandIn(options: StripeStandInOptions = {}): Promise<StripeStandIn> {
  const seed = options.seed ?? randomSeed();
  const secretKey = options.secretKey ?? "sk_test_stand_in";
  const apiVersion = options.apiVersion ?? STAND_IN_API_VERSION;
  const account: Account = createAccount({
    apiVersion,
    billingMode: options.billingMode ?? "flexible",
    random: seededRandom(seed),
    startTime: options.startTime,
  });
  const requests: StandInRequest[] = [];
  const api = createStandInApi(account, requests);
  const [server, StripeClass] = await Promise.all([listen(api, options.port ?? 0), loadStripe()]);
  const deliveries: Delivery[] = [];
  let client: Stripe | undefined;
  const view = (id: string) => {
    const sub = account.subscriptions.get(id);
    if (!sub) throw noSuch("subscription", id);
    return asSubscription(renderSubscription(account, sub, apiVersion));
  };
  return {
    url: server.url,
    port: server.port,
    seed,
    secretKey,
    get client() {
      if (StripeClass instanceof Error) throw StripeClass;
      client ??= new StripeClass(secretKey, {
        host: "127.0.0.1",
        port: server.port,
        protocol: "http",
        apiVersion,
        maxNetworkRetries: 0,
        telemetry: false,
      });
      return client;
    },
    requests,
    get events() {
      return account.events;
    },
    fetch: api,
    localPageFor(stripeUrl) {
      const checkout = CHECKOUT_URL.exec(stripeUrl);
      if (checkout) return `${server.url}/checkout/${checkout[1]}`;
      const portal = PORTAL_URL.exec(stripeUrl);
      if (portal) return `${server.url}/portal/${portal[1]}`;
      throw new TypeError(`localPageFor: not a Checkout or Billing Portal URL of the stand-in: ${stripeUrl}`);
    },
    now: () => account.now(),
    advance: (seconds) => advanceClock(account, seconds),
    completeCheckout(sessionId, completeOptions) {
      const done = completeCheckout(account, sessionId, completeOptions);
      return {
        session: done.session as unknown as Stripe.Checkout.Session,
        customer: asCustomer(done.customer),
        subscription: done.subscription ? asSubscription(done.subscription) : null,
      };
    },
    customers: {
      create: (params = {}) => asCustomer(renderCustomer(createCustomer(account, params))),
      retrieve(id) {
        const customer = account.customers.get(id);
        if (!customer) throw noSuch("customer", id);
        return asCustomer(renderCustomer(customer));
      },
    },
    subscriptions: {
      create(input) {
        const record = createSubscription(account, {
          customer: input.customer,
          items: [{ price: input.price, quantity: input.quantity ?? 1 }],
          metadata: input.metadata ?? {},
          trialDays: input.trialDays ?? 0,
          billingMode: input.billingMode ?? null,
        });
        return view(record.id);
      },
      retrieve: view,
      list: () => [...account.subscriptions.keys()].reverse().map(view),
      update: (id, changes) => asSubscription(updateSubscription(account, id, changes)),
      cancel: (id) => asSubscription(cancelSubscription(account, id)),
      resume: (id) => asSubscription(updateSubscription(account, id, { cancel_at: null })),
      endTrial: (id) => asSubscription(endTrial(account, id)),
      renew: (id) => asSubscription(renewSubscription(account, id)),
      failPayments: (id, fail = true) => setPaymentsFail(account, id, fail),
      pay: (id) => asSubscription(payLatestInvoice(account, id)),
    },
    deliverTo(deliveryOptions) {
      const delivery = startDelivery(account, deliveryOptions, seed);
      deliveries.push(delivery);
      return delivery;
    },
    async close() {
      for (const delivery of deliveries) delivery.stop();
      await server.close();
    },
  };
}
