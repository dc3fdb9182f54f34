import { HttpResponse, http } from "msw";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { SubscriptionData } from "../src/index.js";
import { stripeEvent } from "../src/testing.js";
import {
  API_VERSIONS,
  type ApiVersion,
  publishedSubscription,
  type SubscriptionState,
  subscriptionAt,
} from "./support/stripe-fixtures.js";
import {
  freezeClock,
  NOW,
  nowSeconds,
  periodEnd,
  secret,
  server,
  setup,
  useStripeApi,
} from "./support/stripe-webhook.js";

// Stripe's own published subscription objects, one per API version from 2020-08-27 to the newest the
// installed `stripe` SDK types (test/fixtures/stripe/README.md says where each comes from), replayed
// through the webhook route in both sync modes, signed by the official SDK.
useStripeApi();

const sdk = new Stripe("sk_test_signing");
const OTHER_DATE = periodEnd - 10 * 86_400;
const at = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000));

/** A client pinned to `version`, as an app would build it (the Stripe-Version header says which). */
function pinnedClient(version: ApiVersion): Stripe {
  return new Stripe("sk_test_123", { apiVersion: version as Stripe.LatestApiVersion, maxNetworkRetries: 0 });
}

/** Answers GET /v1/subscriptions/:id in the shape of the API version the request asks for. */
function serveStripeCopy(copy: (version: ApiVersion) => Record<string, unknown>): ApiVersion[] {
  const versions: ApiVersion[] = [];
  server.use(
    http.get("https://api.stripe.com/v1/subscriptions/:id", ({ request }) => {
      const version = request.headers.get("stripe-version") as ApiVersion;
      versions.push(version);
      return HttpResponse.json(copy(version));
    }),
  );
  return versions;
}

async function deliverSigned(t: ReturnType<typeof setup>, event: object) {
  const payload = JSON.stringify(event);
  const header = await sdk.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp: nowSeconds });
  return t.post(payload, { "stripe-signature": header });
}

type Expected = Pick<SubscriptionData, "priceId" | "currentPeriodEnd" | "cancelAtPeriodEnd" | "cancelAt">;
type Shape = (object: Record<string, unknown>) => void;
type Scenario = [name: string, state: Omit<SubscriptionState, "periodEnd">, expected: Partial<Expected>, shape?: Shape];

type Item = Record<string, unknown>;
const items = (object: Record<string, unknown>) => (object.items as { data: [Item, ...Item[]] }).data;

const SCENARIOS: Scenario[] = [
  ["renewing", { cancelAtPeriodEnd: false, cancelAt: null }, { cancelAtPeriodEnd: false, cancelAt: null }],
  [
    "classic: cancel at period end",
    { cancelAtPeriodEnd: true, cancelAt: null, billingMode: "classic" },
    { cancelAtPeriodEnd: true, cancelAt: at(periodEnd) },
  ],
  [
    "flexible: cancel at period end (cancel_at = period end, flag false)",
    { cancelAtPeriodEnd: false, cancelAt: periodEnd, billingMode: "flexible" },
    { cancelAtPeriodEnd: true, cancelAt: at(periodEnd) },
  ],
  [
    "flexible: cancel at another date",
    { cancelAtPeriodEnd: false, cancelAt: OTHER_DATE, billingMode: "flexible" },
    { cancelAtPeriodEnd: false, cancelAt: at(OTHER_DATE) },
  ],
  [
    "classic: cancel at another date",
    { cancelAtPeriodEnd: false, cancelAt: OTHER_DATE, billingMode: "classic" },
    { cancelAtPeriodEnd: false, cancelAt: at(OTHER_DATE) },
  ],
  ["null flag, renewing", { cancelAtPeriodEnd: null, cancelAt: null }, { cancelAtPeriodEnd: false, cancelAt: null }],
  [
    "null flag, cancel_at = period end",
    { cancelAtPeriodEnd: null, cancelAt: periodEnd },
    { cancelAtPeriodEnd: true, cancelAt: at(periodEnd) },
  ],
  [
    "price given as an id",
    { cancelAtPeriodEnd: false, cancelAt: null },
    { priceId: "price_by_id" },
    (object) => {
      items(object)[0].price = "price_by_id";
    },
  ],
  [
    "legacy plan-only item",
    { cancelAtPeriodEnd: false, cancelAt: null },
    { priceId: "plan_legacy" },
    (object) => {
      const [item] = items(object);
      delete item.price;
      item.plan = { id: "plan_legacy", object: "plan", interval: "month" };
    },
  ],
  [
    "two items, flexible, mixed intervals: the first item's price and period",
    { cancelAtPeriodEnd: false, cancelAt: periodEnd + 300 * 86_400, billingMode: "flexible" },
    { priceId: "price_first", cancelAtPeriodEnd: false, cancelAt: at(periodEnd + 300 * 86_400) },
    (object) => {
      const [first] = items(object);
      first.price = { ...(first.price as object), id: "price_first" };
      const second: Item = { ...first, id: "si_yearly", price: { ...(first.price as object), id: "price_yearly" } };
      if ("current_period_end" in first) second.current_period_end = periodEnd + 300 * 86_400;
      items(object).push(second);
    },
  ],
];

const TABLE = API_VERSIONS.flatMap((version) =>
  SCENARIOS.map(([name, state, expected, shape]) => [version, name, state, expected, shape] as const),
);

function objectFor(version: ApiVersion, state: Omit<SubscriptionState, "periodEnd">, shape?: Shape) {
  const object = subscriptionAt(version, { ...state, periodEnd });
  shape?.(object);
  return object;
}

function expectedFor(version: ApiVersion, expected: Partial<Expected>): Partial<SubscriptionData> {
  const published = publishedSubscription(version);
  const priceId = (items(published)[0].price as { id: string }).id;
  return {
    id: "sub_1",
    userId: "user_1",
    stripeCustomerId: "cus_1",
    status: "active",
    priceId,
    currentPeriodEnd: at(periodEnd),
    cancelAtPeriodEnd: false,
    cancelAt: null,
    ...expected,
  };
}

describe.each(["payload", "refetch"] as const)("Stripe's published objects at every API version, %s mode", (sync) => {
  it.each(TABLE)("%s: %s", async (version, _name, state, expected, shape) => {
    freezeClock();
    const t = setup({ sync, stripe: { client: pinnedClient(version) } });
    const seen = serveStripeCopy((asked) => objectFor(asked, state, shape));
    const event = stripeEvent("customer.subscription.updated", objectFor(version, state, shape), {
      api_version: version,
      created: nowSeconds - 60,
    });
    const response = await deliverSigned(t, event);
    expect(response.status).toBe(200);
    expect(t.db.subscriptions()).toEqual([
      {
        ...expectedFor(version, expected),
        // Payload: the event's time; refetch: when Stripe's copy was read (the frozen clock).
        eventCreatedAt: sync === "payload" ? new Date(event.created * 1000) : new Date(NOW),
      },
    ]);
    expect(seen).toEqual(sync === "refetch" ? [version] : []);
    expect(t.lastEntry()).toMatchObject({
      outcome: "processed",
      syncStatus: sync === "refetch" ? "refetched" : "payload",
    });
  });

  // The fixtures exactly as published (Stripe's placeholder times: cancel_at 1234567890 everywhere;
  // the period end 1234567890 on the subscription before basil, 976287773 on the item from basil on).
  it.each([
    ...API_VERSIONS.filter((v) => v < "2025-03-31").map((v) => [v, 1_234_567_890, true] as const),
    ["2025-03-31.basil", 976_287_773, false] as const, // cancel_at_period_end: null, cancel_at ≠ period end
    ...API_VERSIONS.filter((v) => v > "2025-04").map((v) => [v, 976_287_773, true] as const),
  ])("%s as published", async (version, end, cancelAtPeriodEnd) => {
    freezeClock();
    const published = publishedSubscription(version);
    const t = setup({ sync, stripe: { client: pinnedClient(version) } });
    t.db.seedUser({ id: "user_published", email: "pub@example.com", stripeCustomerId: published.customer as string });
    serveStripeCopy(publishedSubscription);
    const response = await deliverSigned(
      t,
      stripeEvent("customer.subscription.updated", published, { api_version: version }),
    );
    expect(response.status).toBe(200);
    expect(t.db.subscriptions()).toMatchObject([
      {
        id: published.id,
        userId: "user_published",
        status: "active",
        priceId: (items(published)[0].price as { id: string }).id,
        currentPeriodEnd: at(end),
        cancelAtPeriodEnd,
        cancelAt: at(1_234_567_890),
      },
    ]);
  });
});

describe("the endpoint's API version differs from the client's (refetch mode)", () => {
  // The endpoint renders events in one version; the app's client is pinned to another. Only the ids
  // are read from the event; the row is the mapping of the client's copy.
  const reversed = [...API_VERSIONS].reverse();
  const pairs = API_VERSIONS.map((endpoint, i) => [endpoint, reversed[i] as ApiVersion] as const);
  it.each(pairs)("endpoint %s, client %s", async (endpoint, client) => {
    freezeClock();
    const t = setup({ stripe: { client: pinnedClient(client) } });
    const stale = objectFor(endpoint, { status: "trialing", cancelAtPeriodEnd: false, cancelAt: null });
    const seen = serveStripeCopy((asked) =>
      objectFor(asked, { cancelAtPeriodEnd: false, cancelAt: periodEnd, billingMode: "flexible" }),
    );
    const response = await deliverSigned(
      t,
      stripeEvent("customer.subscription.updated", stale, { api_version: endpoint, created: nowSeconds - 60 }),
    );
    expect(response.status).toBe(200);
    expect(seen).toEqual([client]);
    expect(t.db.subscriptions()).toMatchObject([
      { status: "active", cancelAtPeriodEnd: true, cancelAt: at(periodEnd), currentPeriodEnd: at(periodEnd) },
    ]);
  });
});

describe("refetch mode reads only ids from the event", () => {
  const unreadable: [string, Record<string, unknown>][] = [
    ["a flag of a type no version publishes", { id: "sub_1", customer: "cus_1", cancel_at_period_end: "yes" }],
    ["no items, no plan, no status", { id: "sub_1", customer: "cus_1" }],
    ["items in an unknown shape", { id: "sub_1", customer: "cus_1", status: "active", items: "sub_1/items" }],
    ["no customer at all (taken from Stripe's copy)", { id: "sub_1", status: 7 }],
  ];

  it.each(unreadable)("a payload with %s still re-reads and writes Stripe's copy", async (_case, object) => {
    freezeClock();
    const t = setup();
    serveStripeCopy((version) => objectFor(version, { cancelAtPeriodEnd: null, cancelAt: null }));
    const response = await deliverSigned(t, stripeEvent("customer.subscription.updated", object));
    expect(response.status).toBe(200);
    expect(t.db.subscriptions()).toMatchObject([{ id: "sub_1", userId: "user_1", status: "active" }]);
  });

  it.each(unreadable.slice(0, 3))(
    "the same payload in payload mode (%s) → 400 INVALID_PAYLOAD, nothing written",
    async (_case, object) => {
      freezeClock();
      const t = setup({ sync: "payload" });
      const response = await deliverSigned(t, stripeEvent("customer.subscription.updated", object));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: "INVALID_PAYLOAD" });
      expect(t.db.subscriptions()).toEqual([]);
    },
  );

  it("a customer without a user in the event → ignored before Stripe is asked", async () => {
    freezeClock();
    const t = setup();
    const seen = serveStripeCopy((version) => objectFor(version, { cancelAtPeriodEnd: false, cancelAt: null }));
    const response = await deliverSigned(
      t,
      stripeEvent("customer.subscription.updated", { id: "sub_1", customer: "cus_x" }),
    );
    expect(response.status).toBe(200);
    expect(seen).toEqual([]);
    expect(t.lastEntry()).toMatchObject({ outcome: "ignored", syncStatus: "no-user" });
  });
});
