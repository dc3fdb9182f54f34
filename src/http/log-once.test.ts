import { beforeEach, describe, expect, it, vi } from "vitest";
import { createClerkWebhookRoute, createWebhookRoute } from "../index.js";
import { forgetLoggedConfiguration } from "./log-once.js";

const post = (url: string) => new Request(url, { method: "POST", body: "{}" });

describe("CONFIGURATION_ERROR: the cause is logged once per route and reason, without a stack", () => {
  beforeEach(() => forgetLoggedConfiguration());

  it("50 requests to a route without its secret → 50 × 500, one log line naming what to set", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const route = createClerkWebhookRoute({ secret: undefined, audit: false });
    const statuses = new Set<number>();
    for (let i = 0; i < 50; i += 1) statuses.add((await route(post("https://app.example/clerk"))).status);
    expect([...statuses]).toEqual([500]);
    expect(error).toHaveBeenCalledTimes(1);
    const [line] = error.mock.calls[0] as [string];
    expect(line).toContain('route "clerk-webhook"');
    expect(line).toContain("CLERK_WEBHOOK_SECRET");
    expect(line).not.toMatch(/\n\s+at /); // no stack trace
    error.mockRestore();
  });

  it("with onError, every occurrence goes to onError and nothing to the console", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const seen: Array<{ code: string; route: string }> = [];
    const route = createClerkWebhookRoute({
      secret: undefined,
      audit: false,
      onError: (_cause, info) => void seen.push({ code: info.code, route: info.route }),
    });
    for (let i = 0; i < 3; i += 1) await route(post("https://app.example/clerk"));
    expect(seen).toEqual(Array.from({ length: 3 }, () => ({ code: "CONFIGURATION_ERROR", route: "clerk-webhook" })));
    expect(error).not.toHaveBeenCalled();
    error.mockRestore();
  });

  // After a Clerk route and a Stripe route without their webhook secrets (two lines: two routes):
  it.each([
    ["a second Stripe route with the same failure → no new line", () => stripeWithout("webhookSecret"), 2],
    ["the Stripe route failing for another reason → its own line", () => stripeWithout("secretKey"), 3],
  ])("%s", async (_case, options, lines) => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    await createClerkWebhookRoute({ secret: "", audit: false })(post("https://app.example/clerk"));
    await createWebhookRoute(stripeWithout("webhookSecret"))(post("https://app.example/stripe"));
    await createWebhookRoute(options())(post("https://app.example/stripe"));
    const logged = error.mock.calls.map(([line]) => String(line));
    expect(logged).toHaveLength(lines);
    expect(new Set(logged).size).toBe(lines);
    error.mockRestore();
  });
});

function stripeWithout(missing: "webhookSecret" | "secretKey") {
  const adapter = {
    findUserByCustomerId: async () => null,
    upsertSubscription: async () => {},
    updateSubscriptionStatus: async () => {},
  };
  const stripe =
    missing === "webhookSecret"
      ? { webhookSecret: undefined }
      : { webhookSecret: "whsec_test", secretKey: "not-a-key" };
  return { ...adapter, stripe, sync: "refetch" as const, audit: false as const };
}
