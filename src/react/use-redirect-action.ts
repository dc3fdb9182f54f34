import { useCallback, useEffect, useRef, useState } from "react";
import type { ClientRoute, TollgateClientError } from "./client-error.js";
import { useLatest, useMounted } from "./lifecycle.js";
import { assignLocation, isSafeRedirect } from "./redirect.js";
import { answerError, callRoute, errorCode, networkError } from "./request.js";

/** What `useCheckout` and `usePortal` return. */
export interface RedirectAction {
  /** True from the click until the browser leaves the page (or the request failed). */
  pending: boolean;
  /** Why the last attempt failed, else `null`. Cleared when a new attempt starts. */
  error: TollgateClientError | null;
}

export interface RedirectActionOptions {
  route: ClientRoute;
  url: string;
  /** The JSON body; `undefined` sends none. */
  body: Record<string, unknown> | undefined;
  onError: ((error: TollgateClientError) => void) | undefined;
  /** Error codes handled by a callback instead of the error state (e.g. `ALREADY_SUBSCRIBED`). */
  onCode: Record<string, (() => void) | undefined>;
  navigate: ((url: string) => void) | undefined;
}

/**
 * POSTs to one of the app's routes and sends the browser to the `url` it answers, once: a second
 * call while one is pending does nothing (a double click sends one request), and the promise never
 * rejects. Pending stays true until the page is left; coming back to it from the browser's cache
 * (the Back button) makes the button usable again.
 */
export function useRedirectAction(options: RedirectActionOptions): RedirectAction & { run: () => Promise<void> } {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<TollgateClientError | null>(null);
  const inFlight = useRef(false);
  const mounted = useMounted();
  const latest = useLatest(options);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => {
    const restored = (event: PageTransitionEvent) => {
      if (!event.persisted) return;
      inFlight.current = false;
      setPending(false);
    };
    window.addEventListener("pageshow", restored);
    return () => {
      window.removeEventListener("pageshow", restored);
      controller.current?.abort();
    };
  }, []);

  const run = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    const { route, url, body, onCode } = latest.current;
    const abort = new AbortController();
    controller.current = abort;
    setPending(true);
    setError(null);
    const finish = (failure: TollgateClientError | null) => {
      inFlight.current = false;
      if (!mounted.current || abort.signal.aborted) return;
      setPending(false);
      setError(failure);
      if (failure) latest.current.onError?.(failure);
    };
    let answer: Awaited<ReturnType<typeof callRoute>>;
    try {
      answer = await callRoute(url, {
        method: "POST",
        signal: abort.signal,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      });
    } catch (cause) {
      return finish(networkError(route, cause));
    }
    if (abort.signal.aborted || !mounted.current) {
      inFlight.current = false;
      return;
    }
    const handler = answer.ok ? undefined : onCode[errorCode(answer) ?? ""];
    if (handler) {
      finish(null);
      return handler();
    }
    const target = answer.ok ? (answer.body as { url?: unknown } | undefined)?.url : undefined;
    if (!answer.ok || !isSafeRedirect(target)) return finish(answerError(route, answer));
    // Stays pending: the page is being left, and nobody should pay twice meanwhile.
    (latest.current.navigate ?? assignLocation)(target);
  }, [latest, mounted]);

  return { run, pending, error };
}
