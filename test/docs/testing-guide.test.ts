// docs/testing.md shows a user's own Vitest test against the Stripe stand-in. This file is that snippet,
// with the package's imports pointed at src/: it must typecheck (npm run typecheck covers test/) and
// pass, and the page must show it verbatim (the last test here checks: the imports, and the code between
// the markers).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCheckoutRoute, createWebhookRoute } from "../../src/index.js";
import { createMemoryAdapter, type StripeStandIn, startStripeStandIn } from "../../src/testing.js";

// docs/testing.md: begin

const WEBHOOK_SECRET = "whsec_test_only";
let stripe: StripeStandIn;
beforeAll(async () => {
  stripe = await startStripeStandIn();
});
afterAll(() => stripe.close());

it("checkout, payment, webhooks: the user ends up with an active subscription", async () => {
  const db = createMemoryAdapter(); // or your own adapter on a test database
  const checkout = createCheckoutRoute({
    ...db,
    auth: async () => "ada@example.com", // your session lookup
    stripe: {
      client: stripe.client,
      priceId: "price_pro",
      successUrl: "https://app.example/welcome?session_id={CHECKOUT_SESSION_ID}",
      cancelUrl: "https://app.example/pricing",
    },
    audit: false,
  });
  const webhook = createWebhookRoute({
    ...db,
    stripe: { webhookSecret: WEBHOOK_SECRET, client: stripe.client },
    audit: false,
  });
  // Every event the stand-in records from now on is signed and sent to the webhook route.
  const delivery = stripe.deliverTo({
    url: "https://app.example/api/webhooks/stripe",
    secret: WEBHOOK_SECRET,
    handler: webhook, // in process; or drop this line and give the URL of a running app
  });

  const response = await checkout(
    new Request("https://app.example/api/checkout", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    }),
  );
  const { url } = await response.json();
  const sessionId = new URL(url).pathname.split("/").at(-1) as string;

  stripe.completeCheckout(sessionId); // the customer pays on Stripe's page
  await delivery.flush(); // Stripe's webhooks arrive

  expect(db.subscriptions()).toMatchObject([{ status: "active", priceId: "price_pro" }]);

  stripe.advance(30 * 24 * 3600); // a month later: renewed and paid
  stripe.subscriptions.update(db.subscriptions()[0]!.id, { cancel_at_period_end: true });
  await delivery.flush();
  expect(delivery.attempts.every((attempt) => attempt.status === 200)).toBe(true);
});
// docs/testing.md: end

describe("docs/testing.md", () => {
  it("shows the test above verbatim (imports from the package)", () => {
    const self = readFileSync(new URL(import.meta.url), "utf8");
    const begin = "// docs/testing.md: begin\n";
    const body = self.slice(self.indexOf(begin) + begin.length, self.indexOf("// docs/testing.md: end")).trim();
    const page = readFileSync(new URL("../../docs/testing.md", import.meta.url), "utf8");
    const block = /<!-- stand-in-test -->\n```ts\n([\s\S]*?)```/.exec(page)?.[1]?.trim() ?? "";
    expect(block).toBe(
      [
        'import { createCheckoutRoute, createWebhookRoute } from "tollgate";',
        'import { createMemoryAdapter, type StripeStandIn, startStripeStandIn } from "tollgate/testing";',
        'import { afterAll, beforeAll, expect, it } from "vitest";',
        "",
        body,
      ].join("\n"),
    );
  });
});
