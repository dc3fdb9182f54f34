import type { TollgateClientError } from "./client-error.js";
import { DEFAULT_PORTAL_URL } from "./types.js";
import { type RedirectAction, useRedirectAction } from "./use-redirect-action.js";

export interface UsePortalOptions {
  /** The app's portal route (`createPortalRoute`), relative to the page. @default "/api/billing/portal" */
  portalUrl?: string;
  /** Called once for each failed attempt. */
  onError?: (error: TollgateClientError) => void;
  /**
   * Follows the portal URL. Only an `https:` or same-origin `url` is ever passed to it.
   * @default (url) => window.location.assign(url)
   */
  navigate?: (url: string) => void;
}

export interface PortalControls extends RedirectAction {
  /**
   * POSTs the portal route (empty body: the route knows the user from the session) and sends the
   * browser to the Stripe Billing Portal. Never rejects; a call while one is pending does nothing.
   */
  open: () => Promise<void>;
}

const NO_CODES = Object.freeze({});

/**
 * Opens the Stripe Billing Portal through the app's own portal route.
 *
 * @example
 * function Billing() {
 *   const { open, pending, error } = usePortal();
 *   return <button type="button" onClick={open} aria-busy={pending}>Manage billing</button>;
 * }
 */
export function usePortal(options: UsePortalOptions = {}): PortalControls {
  const action = useRedirectAction({
    route: "portal",
    url: options.portalUrl ?? DEFAULT_PORTAL_URL,
    body: undefined,
    onError: options.onError,
    onCode: NO_CODES,
    navigate: options.navigate,
  });
  return { open: action.run, pending: action.pending, error: action.error };
}
