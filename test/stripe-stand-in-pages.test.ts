import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StripeStandIn, startStripeStandIn } from "../src/testing.js";

// The hosted pages a browser test sends Stripe's https URLs to (`localPageFor`): Checkout with a "Pay"
// button that completes the session and returns to success_url, and the Billing Portal.

let standIn: StripeStandIn;
beforeEach(async () => {
  standIn = await startStripeStandIn({ seed: 3 });
});
afterEach(() => standIn.close());

async function openSession(fields: { customer_email?: string; success_url?: string } = {}) {
  const customer = fields.customer_email
    ? undefined
    : (await standIn.client.customers.create({ email: "ada@example.com" })).id;
  return standIn.client.checkout.sessions.create({
    mode: "subscription",
    ...(customer ? { customer } : {}),
    ...(fields.customer_email ? { customer_email: fields.customer_email } : {}),
    line_items: [{ price: "price_pro", quantity: 1 }],
    success_url: fields.success_url ?? "http://127.0.0.1:3000/done?session_id={CHECKOUT_SESSION_ID}",
    cancel_url: "http://127.0.0.1:3000/pricing",
  });
}

const pay = (url: string, body = "") =>
  fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });

describe("localPageFor", () => {
  it.each([
    ["https://checkout.stripe.com/c/pay/cs_test_abc123", "/checkout/cs_test_abc123"],
    ["https://checkout.stripe.com/c/pay/cs_test_abc123#fidkdWxOYHwn", "/checkout/cs_test_abc123"],
    ["https://billing.stripe.com/p/session/bps_xyz", "/portal/bps_xyz"],
  ])("%s → %s on the stand-in", (stripeUrl, path) => {
    expect(standIn.localPageFor(stripeUrl)).toBe(`${standIn.url}${path}`);
  });

  it.each(["http://checkout.stripe.com/c/pay/cs_test_a", "https://example.com/c/pay/cs_test_a", "/checkout/cs_test_a"])(
    "%s → TypeError",
    (url) => {
      expect(() => standIn.localPageFor(url)).toThrow(TypeError);
    },
  );
});

describe("the Checkout page", () => {
  it("GET → a page with a Pay button; its POST completes the session and 303s to success_url with the id", async () => {
    const session = await openSession();
    const page = standIn.localPageFor(session.url as string);
    const html = await (await fetch(page)).text();
    expect(html).toContain('<button type="submit">Pay</button>');
    expect(html).toContain("price_pro");
    const paid = await pay(page);
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`http://127.0.0.1:3000/done?session_id=${session.id}`);
    const read = await standIn.client.checkout.sessions.retrieve(session.id);
    expect(read).toMatchObject({ status: "complete", subscription: expect.stringMatching(/^sub_/), url: null });
    expect(standIn.events.at(-1)?.type).toBe("checkout.session.completed");
  });

  it("a session without a customer: the email typed on the page becomes the customer's", async () => {
    const session = await standIn.client.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: "price_pro" }],
      success_url: "http://127.0.0.1:3000/done",
    });
    const page = standIn.localPageFor(session.url as string);
    expect(await (await fetch(page)).text()).toContain('name="email"');
    await pay(page, "email=grace%40example.com");
    const read = await standIn.client.checkout.sessions.retrieve(session.id, { expand: ["customer"] });
    expect(read).toMatchObject({
      customer_details: { email: "grace@example.com" },
      customer: { email: "grace@example.com" },
    });
  });

  it("paying twice → the same redirect, no second subscription", async () => {
    const session = await openSession();
    const page = standIn.localPageFor(session.url as string);
    await pay(page);
    const events = standIn.events.length;
    const again = await pay(page);
    expect(again.status).toBe(303);
    expect(standIn.events).toHaveLength(events);
    expect(standIn.subscriptions.list()).toHaveLength(1);
  });

  it.each([
    ["GET", "/checkout/cs_test_nope", 404],
    ["POST", "/checkout/cs_test_nope", 404],
    ["GET", "/portal/bps_nope", 404],
    ["GET", "/elsewhere", 404],
    ["GET", "/checkout/%E0%A4%A", 404],
  ])("%s %s → %i", async (method, path, status) => {
    const response = await fetch(`${standIn.url}${path}`, { method, redirect: "manual" });
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("the Billing Portal page", () => {
  it("lists the customer's subscriptions, cancels one at the period end, and links back to return_url", async () => {
    const session = await openSession();
    const { subscription } = standIn.completeCheckout(session.id);
    const portal = await standIn.client.billingPortal.sessions.create({
      customer: session.customer as string,
      return_url: "http://127.0.0.1:3000/account",
    });
    const page = standIn.localPageFor(portal.url);
    const html = await (await fetch(page)).text();
    expect(html).toContain('<a href="http://127.0.0.1:3000/account">Return to the app</a>');
    expect(html).toContain(`${subscription?.id}: active`);
    const canceled = await pay(`${page}/cancel`, `subscription=${subscription?.id}`);
    expect(canceled.status).toBe(303);
    expect(canceled.headers.get("location")).toBe(page);
    expect(standIn.subscriptions.retrieve(subscription?.id as string)).toMatchObject({
      cancel_at: expect.any(Number),
      status: "active",
    });
    expect(await (await fetch(page)).text()).toMatch(/cancels at/);
  });

  it("escapes what it shows", async () => {
    const customer = standIn.customers.create({ email: "a@example.com" });
    const portal = await standIn.client.billingPortal.sessions.create({
      customer: customer.id,
      return_url: 'http://127.0.0.1/"><script>alert(1)</script>',
    });
    const html = await (await fetch(standIn.localPageFor(portal.url))).text();
    expect(html).not.toContain("<script>");
  });
});
