import { configure } from "@testing-library/react";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import {
  type CheckoutRouteOptions,
  createCheckoutRoute,
  createPortalRoute,
  createSubscriptionStatusRoute,
  type PortalRouteOptions,
  type SubscriptionStatusRouteOptions,
} from "../../../src/index.js";
import { createMemoryAdapter } from "../../../src/testing.js";

// The first checkout loads the stripe SDK, and CI shares two cores: give findBy/waitFor time.
configure({ asyncUtilTimeout: 10_000 });

/** The page's origin under vitest's jsdom environment. */
export const ORIGIN = "http://localhost:3000";
export const CHECKOUT_URL = /^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_\d+$/;
export const PORTAL_URL = "https://billing.stripe.com/p/session/bps_1";

type RouteName = "status" | "checkout" | "portal";
/** A request one of the app's routes received. */
export interface Received {
  route: RouteName;
  url: URL;
  body: string;
  /** The (possibly faked) clock when it arrived, ms. */
  at: number;
}
/** How a route misbehaves: down (fetch rejects), a fixed answer, or held until released. */
type Sabotage =
  | { kind: "network" }
  | { kind: "answer"; response: () => Response }
  | { kind: "hold"; until: Promise<void> };

export interface AppOptions {
  status?: Partial<SubscriptionStatusRouteOptions>;
  checkout?: Partial<CheckoutRouteOptions>;
  portal?: Partial<PortalRouteOptions>;
}

/**
 * The app's own routes, the real handlers (`createSubscriptionStatusRoute`, `createCheckoutRoute`,
 * `createPortalRoute`) over the memory adapter, mounted at the page's origin behind msw; Stripe's
 * API is msw too. Ada is signed in (`auth`) and has no subscription until `activate()`.
 */
export function mountApp() {
  const db = createMemoryAdapter();
  const received: Received[] = [];
  const sabotage = new Map<RouteName, Sabotage>();
  let signedIn: string | null = "ada@example.com";
  let customers = 0;
  let routes = build({});

  function build(options: AppOptions) {
    const auth = async () => signedIn;
    return {
      status: createSubscriptionStatusRoute({
        findUserWithSubscription: db.findUserWithSubscription,
        auth,
        audit: false,
        ...options.status,
      }),
      checkout: createCheckoutRoute({
        findUserByEmail: db.findUserByEmail,
        createUser: db.createUser,
        updateUser: db.updateUser,
        findUserWithSubscription: db.findUserWithSubscription,
        auth,
        audit: false,
        stripe: {
          secretKey: "sk_test_react",
          priceId: "price_pro",
          successUrl: `${ORIGIN}/?session_id={CHECKOUT_SESSION_ID}`,
          cancelUrl: `${ORIGIN}/`,
        },
        ...options.checkout,
      }),
      portal: createPortalRoute({
        findUserByEmail: db.findUserByEmail,
        auth,
        audit: false,
        stripe: { secretKey: "sk_test_react", returnUrl: `${ORIGIN}/` },
        ...options.portal,
      }),
    };
  }

  async function serve(route: RouteName, request: Request): Promise<Response> {
    received.push({ route, url: new URL(request.url), body: await request.clone().text(), at: Date.now() });
    const trouble = sabotage.get(route);
    if (trouble?.kind === "network") return HttpResponse.error();
    if (trouble?.kind === "answer") return trouble.response();
    if (trouble?.kind === "hold") await trouble.until;
    return routes[route](request);
  }

  const server = setupServer(
    http.get(`${ORIGIN}/api/subscription/status`, ({ request }) => serve("status", request)),
    http.post(`${ORIGIN}/api/checkout`, ({ request }) => serve("checkout", request)),
    http.post(`${ORIGIN}/api/billing/portal`, ({ request }) => serve("portal", request)),
    http.post("https://api.stripe.com/v1/customers", () => {
      customers++;
      return HttpResponse.json({ id: `cus_test_${customers}`, object: "customer" });
    }),
    http.post("https://api.stripe.com/v1/checkout/sessions", () => {
      const id = `cs_test_${received.filter((r) => r.route === "checkout").length}`;
      return HttpResponse.json({ id, object: "checkout.session", url: `https://checkout.stripe.com/c/pay/${id}` });
    }),
    http.post("https://api.stripe.com/v1/billing_portal/sessions", () =>
      HttpResponse.json({ id: "bps_1", object: "billing_portal.session", url: PORTAL_URL }),
    ),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  beforeEach(() => {
    db.reset();
    db.seedUser({ id: "user_ada", email: "ada@example.com" });
    received.length = 0;
    sabotage.clear();
    signedIn = "ada@example.com";
    customers = 0;
    routes = build({});
    window.history.replaceState(null, "", "/");
  });
  afterAll(() => server.close());

  return {
    db,
    /** Requests each route received, in order. */
    received: (route: RouteName) => received.filter((r) => r.route === route),
    /** Rebuilds the routes with other options (e.g. a rate limit). */
    configure: (options: AppOptions) => {
      routes = build(options);
    },
    signIn: (email: string | null) => {
      signedIn = email;
    },
    /** Ada's subscription becomes active, as the webhook would write it. */
    activate: (status = "active") =>
      db.upsertSubscription({
        id: "sub_ada",
        userId: "user_ada",
        stripeCustomerId: "cus_ada",
        status,
        priceId: "price_pro",
        currentPeriodEnd: new Date("2027-01-01T00:00:00Z"),
        cancelAtPeriodEnd: false,
        cancelAt: null,
        eventCreatedAt: new Date(),
      } as Parameters<typeof db.upsertSubscription>[0]),
    giveCustomer: () => db.updateUser("user_ada", { stripeCustomerId: "cus_ada" }),
    /** The route fails the way it says until `repair(route)`. */
    breakRoute: (route: RouteName, how: "network" | { status: number; body?: unknown; headers?: HeadersInit }) => {
      if (how === "network") sabotage.set(route, { kind: "network" });
      else
        sabotage.set(route, {
          kind: "answer",
          response: () =>
            how.body === undefined || typeof how.body === "string"
              ? new HttpResponse(how.body ?? null, { status: how.status, headers: how.headers })
              : HttpResponse.json(how.body, { status: how.status, headers: how.headers }),
        });
    },
    repair: (route: RouteName) => sabotage.delete(route),
    /** Holds every request to the route until the returned function is called. */
    hold: (route: RouteName) => {
      let release!: () => void;
      sabotage.set(route, { kind: "hold", until: new Promise<void>((resolve) => (release = resolve)) });
      return () => {
        sabotage.delete(route);
        release();
      };
    },
  };
}

/**
 * Captures the console for each test (a green run stays quiet) and fails a test in which React
 * warned (an update outside act(), a key, a DOM nesting…). `serverLogs()` are the route's own
 * 5xx log lines, which tests that provoke a 500 assert on.
 */
export function quietConsole() {
  const spies: ReturnType<typeof vi.spyOn>[] = [];
  const lines: string[] = [];
  beforeEach(() => {
    lines.length = 0;
    for (const method of ["error", "warn", "info", "log"] as const) {
      spies.push(
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          lines.push(args.map(String).join(" "));
        }),
      );
    }
  });
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
    expect(lines.filter((line) => !line.startsWith("[tollgate]"))).toEqual([]);
  });
  return { serverLogs: () => lines.filter((line) => line.startsWith("[tollgate]")) };
}
