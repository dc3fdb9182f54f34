import { currentHref } from "./request.js";

/**
 * Whether the client may send the browser to `url`, a route's answer: only an `https:` URL
 * (Stripe's hosted pages) or one on the page's own origin. `javascript:`, `data:`, plain `http:`
 * elsewhere and anything unparsable are refused, so a compromised or misconfigured route cannot
 * turn the button into an open redirect or a script.
 */
export function isSafeRedirect(url: unknown): url is string {
  if (typeof url !== "string" || url === "") return false;
  const here = currentHref();
  let target: URL;
  try {
    target = here === undefined ? new URL(url) : new URL(url, here);
  } catch {
    return false;
  }
  if (target.protocol === "https:") return true;
  return here !== undefined && target.origin !== "null" && target.origin === new URL(here).origin;
}

/** Follows a redirect the way a link would: `window.location.assign(url)`. */
export function assignLocation(url: string): void {
  window.location.assign(url);
}
