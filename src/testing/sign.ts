import { svixSignatureBytes } from "../clerk/signature.js";
import { toBase64, toHex } from "../crypto/encoding.js";
import { stripeSignatureBytes } from "../stripe/signature.js";

const encoder = new TextEncoder();

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Signs a payload the way Stripe does, for tests: returns `{ "stripe-signature": "t=…,v1=…" }`.
 *
 * @param payload the exact body you will send (sign the string, send the same string)
 * @param secret the endpoint's `whsec_…` secret
 * @param options.timestamp unix seconds to sign with. @default now (fake timers apply)
 * @example
 * const body = JSON.stringify(stripeEvent("customer.subscription.updated", subscription));
 * await handler(new Request(url, { method: "POST", body, headers: await signStripePayload(body, secret) }));
 */
export async function signStripePayload(
  payload: string,
  secret: string,
  options: { timestamp?: number } = {},
): Promise<Record<string, string>> {
  const timestamp = options.timestamp ?? unixNow();
  const signature = await stripeSignatureBytes(secret, timestamp, encoder.encode(payload));
  return { "stripe-signature": `t=${timestamp},v1=${toHex(signature)}` };
}

/**
 * Signs a payload the way Svix (Clerk's webhook sender) does, for tests: returns the `svix-id`,
 * `svix-timestamp` and `svix-signature` headers.
 *
 * @param options.id the delivery id. @default a random `msg_…`
 * @param options.timestamp unix seconds. @default now (fake timers apply)
 * @example
 * const body = JSON.stringify(clerkEvent("user.created"));
 * await handler(new Request(url, { method: "POST", body, headers: await signSvixPayload(body, secret) }));
 */
export async function signSvixPayload(
  payload: string,
  secret: string,
  options: { id?: string; timestamp?: number } = {},
): Promise<Record<string, string>> {
  const id = options.id ?? `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  const timestamp = options.timestamp ?? unixNow();
  const signature = await svixSignatureBytes(secret, id, timestamp, encoder.encode(payload));
  return { "svix-id": id, "svix-timestamp": String(timestamp), "svix-signature": `v1,${toBase64(signature)}` };
}
