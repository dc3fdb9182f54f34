import { completeCheckout } from "./checkout.js";
import { decodeSegment } from "./form.js";
import { updateSubscription } from "./lifecycle.js";
import type { Account } from "./state.js";

const STYLE = "body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function html(status: number, title: string, body: string): Response {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
  return new Response(page, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

function redirect(location: string): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
}

function amount(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

function checkoutPage(account: Account, id: string): Response {
  const session = account.checkoutSessions.get(id);
  if (!session) return html(404, "Not found", "<h1>This Checkout Session does not exist</h1>");
  const lines = session.line_items
    .map((item) => {
      const price = account.price(item.price);
      return `<li>${escapeHtml(item.price)} × ${item.quantity}: ${amount(price.unit_amount * item.quantity, price.currency)} / ${price.interval}</li>`;
    })
    .join("");
  const email = session.customer_email ?? (session.customer ? account.customers.get(session.customer)?.email : null);
  const cancel = session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Back</a></p>` : "";
  const form =
    session.status === "open"
      ? `<form method="post"><p>${email ? `Paying as ${escapeHtml(email)}` : `<label>Email <input name="email" type="email" value="customer@example.com"></label>`}</p><button type="submit">Pay</button></form>`
      : `<p>This Checkout Session is ${session.status}.</p>`;
  return html(200, "Checkout (Stripe stand-in)", `<h1>Checkout</h1><ul>${lines}</ul>${form}${cancel}`);
}

/** The success URL with Stripe's `{CHECKOUT_SESSION_ID}` template filled in. */
function successUrl(template: string, id: string): string {
  return template.replaceAll("{CHECKOUT_SESSION_ID}", id);
}

function pay(account: Account, id: string, form: URLSearchParams): Response {
  const session = account.checkoutSessions.get(id);
  if (!session) return html(404, "Not found", "<h1>This Checkout Session does not exist</h1>");
  if (session.status === "expired") return html(410, "Expired", "<h1>This Checkout Session has expired</h1>");
  if (session.status === "open") completeCheckout(account, id, { email: form.get("email") ?? undefined });
  if (!session.success_url) return html(200, "Paid", "<h1>Paid</h1>");
  return redirect(successUrl(session.success_url, id));
}

function portalPage(account: Account, id: string): Response {
  const session = account.portalSessions.get(id);
  if (!session) return html(404, "Not found", "<h1>This portal session does not exist</h1>");
  const subscriptions = [...account.subscriptions.values()].filter(
    (sub) => sub.customer === session.customer && sub.status !== "canceled",
  );
  const rows = subscriptions
    .map((sub) => {
      const scheduled = sub.cancel_at !== null;
      const action = scheduled
        ? `cancels at ${new Date(sub.cancel_at! * 1000).toISOString()}`
        : `<form method="post" action="${escapeHtml(id)}/cancel"><input type="hidden" name="subscription" value="${escapeHtml(sub.id)}"><button type="submit">Cancel plan</button></form>`;
      return `<li>${escapeHtml(sub.id)}: ${sub.status} ${action}</li>`;
    })
    .join("");
  const back = session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return to the app</a></p>` : "";
  return html(200, "Billing portal (Stripe stand-in)", `<h1>Billing</h1><ul>${rows}</ul>${back}`);
}

function cancelFromPortal(account: Account, id: string, form: URLSearchParams, base: string): Response {
  const session = account.portalSessions.get(id);
  const subscription = form.get("subscription") ?? "";
  const sub = account.subscriptions.get(subscription);
  if (!session || !sub || sub.customer !== session.customer) return html(404, "Not found", "<h1>Not found</h1>");
  updateSubscription(account, subscription, { cancel_at_period_end: true });
  return redirect(`${base}/portal/${id}`);
}

/**
 * The stand-in's hosted pages: `GET /checkout/<id>` (a "Pay" button whose POST completes the session
 * and 303-redirects to its `success_url`) and `GET /portal/<id>` (the customer's subscriptions, a
 * "Cancel plan" button per subscription, and a link back to `return_url`).
 */
export function servePage(account: Account, method: string, url: URL, body: string): Response {
  const [, kind, id, action] = url.pathname.split("/");
  const form = new URLSearchParams(body);
  if (kind === "checkout" && id && action === undefined) {
    if (method === "GET") return checkoutPage(account, decodeSegment(id));
    if (method === "POST") return pay(account, decodeSegment(id), form);
  }
  if (kind === "portal" && id) {
    if (method === "GET" && action === undefined) return portalPage(account, decodeSegment(id));
    if (method === "POST" && action === "cancel") return cancelFromPortal(account, decodeSegment(id), form, url.origin);
  }
  return html(404, "Not found", "<h1>Not found</h1>");
}
