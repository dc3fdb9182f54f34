import Stripe from "stripe";

/**
 * A Stripe client aimed at `STRIPE_API_URL` (e.g. a local stand-in or stripe-mock), or undefined
 * so tollgate creates one from `STRIPE_SECRET_KEY` on first use. Built per process, never at build
 * time without a key.
 */
export function stripeClient(): Stripe | undefined {
  const key = process.env.STRIPE_SECRET_KEY;
  const api = process.env.STRIPE_API_URL;
  if (!key || !api) return undefined;
  const url = new URL(api);
  return new Stripe(key, {
    host: url.hostname,
    port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
    protocol: url.protocol === "https:" ? "https" : "http",
    maxNetworkRetries: 0,
  });
}
