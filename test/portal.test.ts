import { describe, expect, it } from "vitest";
import { createPortalRoute, type PortalRouteOptions } from "../src/index.js";
import { createMemoryAdapter } from "../src/testing.js";
import { useStripeApi } from "./support/stripe-api.js";

/** An `auth` resolver answering as a session would. */
const session = (email: string | null) => async (): Promise<string | null> => email;

const stripeApi = useStripeApi();

function setup(overrides: Partial<PortalRouteOptions> = {}) {
  const db = createMemoryAdapter();
  db.seedUser({ id: "user_1", email: "ada@example.com", stripeCustomerId: "cus_1" });
  db.seedUser({ id: "user_2", email: "new@example.com" });
  const handler = createPortalRoute({
    findUserByEmail: db.findUserByEmail,
    auth: session("ada@example.com"),
    audit: false,
    ...overrides,
    stripe: { secretKey: "sk_test_portal", returnUrl: "https://app.example/settings", ...overrides.stripe },
  });
  const post = (body?: string) =>
    handler(
      new Request("https://app.example/api/billing/portal", {
        method: "POST",
        body,
        headers: body ? { "content-type": "application/json" } : {},
      }),
    );
  return { post, handler };
}

describe("createPortalRoute", () => {
  it("opens the portal for the signed-in user's customer, with an empty body", async () => {
    const response = await setup().post();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: "https://billing.stripe.com/p/session/bps_1" });
    const [call] = stripeApi.callsTo("/v1/billing_portal/sessions");
    expect(Object.fromEntries(call?.params ?? [])).toEqual({
      customer: "cus_1",
      return_url: "https://app.example/settings",
    });
  });

  it.each([
    ["no session", { auth: session(null) }, undefined, 401, "UNAUTHORIZED"],
    ["a user without a customer", { auth: session("new@example.com") }, undefined, 404, "NOT_FOUND"],
    ["an unknown user", { auth: session("ghost@example.com") }, undefined, 404, "NOT_FOUND"],
    ["a body email that is not the session's", {}, JSON.stringify({ email: "eve@example.com" }), 403, "FORBIDDEN"],
    ["no return URL", { stripe: { returnUrl: undefined } }, undefined, 500, "CONFIGURATION_ERROR"],
    [
      "no secret key",
      { stripe: { secretKey: undefined, returnUrl: "https://app.example/settings" } },
      undefined,
      500,
      "CONFIGURATION_ERROR",
    ],
  ] as const)("answers %s with %i %s", async (_name, overrides, body, status, code) => {
    const response = await setup(overrides as Partial<PortalRouteOptions>).post(body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code });
    expect(stripeApi.callsTo("/v1/billing_portal/sessions")).toHaveLength(0);
  });

  it("answers 502 without Stripe's message when the portal call fails", async () => {
    stripeApi.fail("/v1/billing_portal/sessions", 400, "No configuration provided: secret_detail");
    const response = await setup().post();
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain("secret_detail");
  });

  it("needs an auth resolver at creation", () => {
    expect(() =>
      createPortalRoute({
        findUserByEmail: session(null),
        stripe: { returnUrl: "https://x" },
      } as unknown as PortalRouteOptions),
    ).toThrow(/auth must be a function/);
  });
});
