import type { ReactNode } from "react";
import { errorText, type TollgateClientError } from "./client-error.js";
import { type PaywallLabels, resolveLabels } from "./labels.js";
import { focusOnMount } from "./lifecycle.js";
import { usePortal } from "./use-portal.js";

export interface ManageBillingButtonProps {
  /** The app's portal route (`createPortalRoute`). @default "/api/billing/portal" */
  portalUrl?: string;
  /** The button's content. @default the `manageBilling` label ("Manage billing") */
  children?: ReactNode;
  /** Texts: `manageBilling`, `openingPortal`, `portalError`, `portalNetworkError`. */
  labels?: Partial<PaywallLabels>;
  /** Class of the button. */
  className?: string;
  /** Called once per failed attempt. */
  onError?: (error: TollgateClientError) => void;
  /** Follows the portal URL (only `https:` or same-origin ones). @default window.location.assign */
  navigate?: (url: string) => void;
}

/**
 * A "Manage billing" button that opens the Stripe Billing Portal for the signed-in user (through
 * the app's portal route). While the portal opens it is `aria-busy`; a failure is shown in a
 * `role="alert"` after it, which receives focus; pressing the button again retries.
 *
 * @example
 * <PaywallGate>
 *   <Dashboard />
 *   <ManageBillingButton className="btn" />
 * </PaywallGate>
 */
export function ManageBillingButton(props: ManageBillingButtonProps): ReactNode {
  const labels = resolveLabels(props.labels);
  const portal = usePortal({ portalUrl: props.portalUrl, onError: props.onError, navigate: props.navigate });
  return (
    <>
      <button
        type="button"
        className={props.className}
        onClick={() => void portal.open()}
        aria-busy={portal.pending || undefined}
        aria-disabled={portal.pending || undefined}
        data-tollgate-part="manage-billing"
      >
        {portal.pending ? labels.openingPortal : (props.children ?? labels.manageBilling)}
      </button>
      {portal.error && (
        <p role="alert" tabIndex={-1} ref={focusOnMount} data-tollgate-part="portal-error">
          {errorText(portal.error, labels)}
        </p>
      )}
    </>
  );
}
