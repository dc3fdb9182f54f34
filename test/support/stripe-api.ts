import { HttpResponse, http, passthrough } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

/** A Stripe API request as msw saw it. */
export interface StripeCall {
  method: string;
  path: string;
  params: URLSearchParams;
  idempotencyKey: string | null;
}

type Failure = { status: number; message: string } | null;

/**
 * Intercepts the real `stripe` SDK (created lazily by the routes from `sk_test_…`) with msw:
 * customers, Checkout Sessions and Billing Portal sessions, recording every call. `fail(path, …)`
 * makes every call to that path (the SDK's retries included) answer with a Stripe error until the test ends.
 */
export function useStripeApi() {
  const calls: StripeCall[] = [];
  const failures = new Map<string, Failure>();
  let customers = 0;
  const sessions = new Map<string, string>();

  async function record(request: Request): Promise<Failure | undefined> {
    const url = new URL(request.url);
    const params = new URLSearchParams(await request.text());
    calls.push({
      method: request.method,
      path: url.pathname,
      params,
      idempotencyKey: request.headers.get("idempotency-key"),
    });
    return failures.get(url.pathname) ?? undefined;
  }
  const error = (failure: NonNullable<Failure>) =>
    HttpResponse.json(
      { error: { type: "invalid_request_error", message: failure.message } },
      { status: failure.status },
    );

  const server = setupServer(
    // Requests to a test's own local server (tollgate/node) go through.
    http.all(/^http:\/\/127\.0\.0\.1[:/]/, () => passthrough()),
    http.post("https://api.stripe.com/v1/customers", async ({ request }) => {
      const failure = await record(request);
      if (failure) return error(failure);
      customers++;
      return HttpResponse.json({ id: `cus_test_${customers}`, object: "customer" });
    }),
    http.post("https://api.stripe.com/v1/checkout/sessions", async ({ request }) => {
      const failure = await record(request);
      if (failure) return error(failure);
      const key = request.headers.get("idempotency-key") ?? crypto.randomUUID();
      // Like Stripe: the same idempotency key returns the same session.
      if (!sessions.has(key)) sessions.set(key, `cs_test_${sessions.size + 1}`);
      const id = sessions.get(key);
      return HttpResponse.json({ id, object: "checkout.session", url: `https://checkout.stripe.com/c/pay/${id}` });
    }),
    http.post("https://api.stripe.com/v1/billing_portal/sessions", async ({ request }) => {
      const failure = await record(request);
      if (failure) return error(failure);
      return HttpResponse.json({
        id: "bps_1",
        object: "billing_portal.session",
        url: "https://billing.stripe.com/p/session/bps_1",
      });
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    calls.length = 0;
    failures.clear();
    sessions.clear();
    customers = 0;
  });
  afterAll(() => server.close());

  return {
    calls,
    callsTo: (path: string) => calls.filter((call) => call.path === path),
    fail: (path: string, status: number, message: string) => failures.set(path, { status, message }),
  };
}
