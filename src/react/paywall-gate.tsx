import { type ReactNode, useEffect, useState } from "react";
import { errorText, type TollgateClientError } from "./client-error.js";
import { type PaywallLabels, resolveLabels } from "./labels.js";
import { focusOnMount } from "./lifecycle.js";
import { type CheckoutControls, useCheckout } from "./use-checkout.js";
import { useSubscription } from "./use-subscription.js";

/** The gate's states, also written to `data-tollgate-state` for styling. */
export type PaywallState = "loading" | "allowed" | "denied" | "error" | "finalizing";

export interface PaywallGateProps {
  /** The paid content: rendered only when the status route answered `hasAccess: true`. */
  children?: ReactNode;
  /** The app's status route. @default "/api/subscription/status" */
  statusUrl?: string;
  /** The app's checkout route. @default "/api/checkout" */
  checkoutUrl?: string;
  /** For routes without `auth`: sent as `?email=` to the status route and in the checkout body. */
  email?: string | null;
  /** Sent in the checkout body (the route checks it and adds it to the success URL). */
  callbackUrl?: string | null;
  /**
   * What a user without access sees: a node, or a function of the checkout controls.
   * @default a short text and a Subscribe button that opens Stripe Checkout
   */
  fallback?: ReactNode | ((checkout: CheckoutControls) => ReactNode);
  /** Shown while the status is asked. @default an element with `role="status"` and `aria-busy="true"` */
  loading?: ReactNode;
  /** Shown while finalizing after Stripe's redirect. @default like `loading`, with the `finalizing` label */
  finalizing?: ReactNode;
  /** Called once per failure of the status or the checkout route. */
  onError?: (error: TollgateClientError) => void;
  /**
   * The Checkout Session id to finalize. `undefined` reads `session_id` from the page's URL (after
   * mounting, so server rendering and hydration agree); `null` never finalizes.
   */
  sessionId?: string | null;
  /** Every text the gate shows; what you leave out keeps its English default. */
  labels?: Partial<PaywallLabels>;
  /** Class of the element the gate renders in every state but `allowed` (children are not wrapped). */
  className?: string;
  /** Follows the checkout URL (only `https:` or same-origin ones). @default window.location.assign */
  navigate?: (url: string) => void;
}

/** The `session_id` Stripe put in the success URL, if any. */
function sessionIdFromLocation(): string | null {
  return new URLSearchParams(window.location.search).get("session_id") || null;
}

/**
 * Shows its children only to a user whose status route says `hasAccess: true`; fails closed
 * (an error never shows them). Without access, offers Stripe Checkout through the app's checkout
 * route; on the page Stripe returns to, waits for the payment to be confirmed before offering
 * anything. Every state is one element with `data-tollgate-state`; errors are a `role="alert"`
 * that receives focus, followed by a Retry button. Works in Next.js App Router client components
 * (the module is marked `"use client"`) and in any React ≥ 18 app.
 *
 * @example
 * // app/page.tsx
 * import { ManageBillingButton, PaywallGate } from "tollgate/react";
 *
 * export default function Page() {
 *   return (
 *     <PaywallGate callbackUrl="/">
 *       <p>The paid content.</p>
 *       <ManageBillingButton />
 *     </PaywallGate>
 *   );
 * }
 */
export function PaywallGate(props: PaywallGateProps): ReactNode {
  const labels = resolveLabels(props.labels);
  // Read after mounting, so the server's render and the hydrating one agree.
  const [urlSessionId, setUrlSessionId] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    if (props.sessionId === undefined) setUrlSessionId(sessionIdFromLocation());
  }, [props.sessionId]);
  const sessionId = props.sessionId !== undefined ? props.sessionId : urlSessionId;
  const known = sessionId !== undefined;

  const subscription = useSubscription({
    statusUrl: props.statusUrl,
    email: props.email,
    sessionId,
    enabled: known,
    onError: props.onError,
  });
  const checkout = useCheckout({
    checkoutUrl: props.checkoutUrl,
    email: props.email,
    callbackUrl: props.callbackUrl,
    onError: props.onError,
    onAlreadySubscribed: subscription.refresh,
    navigate: props.navigate,
  });

  const frame = (state: PaywallState, content: ReactNode, busy = false) => (
    <div className={props.className} data-tollgate-state={state} aria-busy={busy || undefined}>
      {content}
    </div>
  );
  const busy = (state: "loading" | "finalizing", custom: ReactNode | undefined) =>
    custom !== undefined ? (
      frame(state, custom, true)
    ) : (
      <div className={props.className} data-tollgate-state={state} role="status" aria-busy="true">
        {labels[state]}
      </div>
    );
  const failed = (error: TollgateClientError, retry: () => void) =>
    frame(
      "error",
      <>
        <p role="alert" tabIndex={-1} ref={focusOnMount} data-tollgate-part="message">
          {errorText(error, labels)}
        </p>
        <button type="button" onClick={retry} data-tollgate-part="retry">
          {labels.retry}
        </button>
      </>,
    );

  if (!known || subscription.status === "loading") {
    return subscription.finalizing ? busy("finalizing", props.finalizing) : busy("loading", props.loading);
  }
  if (subscription.status === "error" && subscription.error) return failed(subscription.error, subscription.refresh);
  if (subscription.data?.hasAccess) return <>{props.children}</>;
  if (checkout.error) return failed(checkout.error, () => void checkout.start());
  const fallback = props.fallback;
  if (typeof fallback === "function") return frame("denied", fallback(checkout), checkout.pending);
  if (fallback !== undefined) return frame("denied", fallback);
  return frame("denied", <SubscribeOffer checkout={checkout} labels={labels} />, checkout.pending);
}

/** The default fallback: a line of text and the Subscribe button. */
function SubscribeOffer({ checkout, labels }: { checkout: CheckoutControls; labels: PaywallLabels }): ReactNode {
  return (
    <>
      <p data-tollgate-part="message">{labels.denied}</p>
      <button
        type="button"
        onClick={() => void checkout.start()}
        aria-busy={checkout.pending || undefined}
        aria-disabled={checkout.pending || undefined}
        data-tollgate-part="subscribe"
      >
        {checkout.pending ? labels.subscribing : labels.subscribe}
      </button>
    </>
  );
}
