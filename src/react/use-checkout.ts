import { useMemo } from "react";
import type { TollgateClientError } from "./client-error.js";
import { DEFAULT_CHECKOUT_URL } from "./types.js";
import { type RedirectAction, useRedirectAction } from "./use-redirect-action.js";

export interface UseCheckoutOptions {
  /** The app's checkout route (`createCheckoutRoute`), relative to the page. @default "/api/checkout" */
  checkoutUrl?: string;
  /** Sent in the body for a checkout route without `auth`; with `auth`, leave it out. */
  email?: string | null;
  /** Sent in the body: where the success page sends the customer next (the route checks it). */
  callbackUrl?: string | null;
  /** Called once for each failed attempt. */
  onError?: (error: TollgateClientError) => void;
  /**
   * Called instead of the error state when the route answers 409 `ALREADY_SUBSCRIBED` (the user paid
   * in another tab, or the webhook landed): refresh the status. Without it, that answer is an error.
   */
  onAlreadySubscribed?: () => void;
  /**
   * Follows the checkout URL. Only an `https:` or same-origin `url` is ever passed to it.
   * @default (url) => window.location.assign(url)
   */
  navigate?: (url: string) => void;
}

export interface CheckoutControls extends RedirectAction {
  /**
   * POSTs the checkout route and sends the browser to Stripe Checkout. Never rejects (failures land
   * in `error`); a call while one is pending does nothing.
   */
  start: () => Promise<void>;
}

/**
 * Starts a Stripe Checkout through the app's own checkout route.
 *
 * @example
 * function SubscribeButton() {
 *   const { start, pending, error } = useCheckout({ callbackUrl: "/dashboard" });
 *   return (
 *     <>
 *       <button type="button" onClick={start} aria-busy={pending}>Subscribe</button>
 *       {error && <p role="alert">{error.message}</p>}
 *     </>
 *   );
 * }
 */
export function useCheckout(options: UseCheckoutOptions = {}): CheckoutControls {
  const { email, callbackUrl } = options;
  const body = useMemo(() => {
    const fields: Record<string, string> = {};
    if (email) fields.email = email;
    if (callbackUrl) fields.callbackUrl = callbackUrl;
    return fields;
  }, [email, callbackUrl]);
  const action = useRedirectAction({
    route: "checkout",
    url: options.checkoutUrl ?? DEFAULT_CHECKOUT_URL,
    body,
    onError: options.onError,
    onCode: { ALREADY_SUBSCRIBED: options.onAlreadySubscribed },
    navigate: options.navigate,
  });
  return { start: action.run, pending: action.pending, error: action.error };
}
