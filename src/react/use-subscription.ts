import { useCallback, useEffect, useRef, useState } from "react";
import type { TollgateClientError } from "./client-error.js";
import { nextFinalizeDelay, retryAfterMs } from "./finalize-schedule.js";
import { sleep, useLatest } from "./lifecycle.js";
import { answerError, callRoute, networkError, withQuery } from "./request.js";
import { DEFAULT_STATUS_URL, type SubscriptionStatusBody } from "./types.js";

export interface UseSubscriptionOptions {
  /** The app's status route (`createSubscriptionStatusRoute`), relative to the page. @default "/api/subscription/status" */
  statusUrl?: string;
  /** Sent as `?email=` for a status route without `auth`; with `auth`, leave it out. */
  email?: string | null;
  /**
   * The Checkout Session id Stripe put in the success URL (`session_id`). With it, the hook is
   * *finalizing*: it asks with `?session_id=` and polls, at most 8 requests within 30 s, until
   * `hasAccess` or it gives up (then `data` is the last answer). A 429 means "not yet" and its
   * `Retry-After` is honoured. `PaywallGate` reads it from the page's URL.
   * @default none (no finalizing)
   */
  sessionId?: string | null;
  /** `false` holds the first request back (e.g. until the session id is known). @default true */
  enabled?: boolean;
  /** Called once for each failure that ends in the `error` state (not for polls that are retried). */
  onError?: (error: TollgateClientError) => void;
}

export interface SubscriptionState {
  /** `loading` until the route answers (or while finalizing), then `ready` or `error`. */
  status: "loading" | "ready" | "error";
  /** The status route's last 200 body; `null` before one arrived. */
  data: SubscriptionStatusBody | null;
  /** Why the last request failed (status `error`), else `null`. */
  error: TollgateClientError | null;
  /** True while polling after Stripe's redirect: hide every way to pay meanwhile. */
  finalizing: boolean;
  /** Asks the status route again (the ordinary status, without `session_id`). */
  refresh: () => void;
}

type Outcome = { data: SubscriptionStatusBody } | { error: TollgateClientError; retryAfter?: number };

function isStatusBody(body: unknown): body is SubscriptionStatusBody {
  return typeof body === "object" && body !== null && typeof (body as { hasAccess?: unknown }).hasAccess === "boolean";
}

async function askStatus(url: string, signal: AbortSignal): Promise<Outcome> {
  let answer: Awaited<ReturnType<typeof callRoute>>;
  try {
    answer = await callRoute(url, { method: "GET", signal });
  } catch (cause) {
    return { error: networkError("status", cause) };
  }
  if (answer.status === 200 && isStatusBody(answer.body)) return { data: answer.body };
  const retryAfter = answer.status === 429 ? (retryAfterMs(answer.headers.get("retry-after")) ?? 0) : undefined;
  return { error: answerError("status", answer), retryAfter };
}

/** A poll that may succeed later: network, 5xx or 429 ("not yet"). */
function transient(error: TollgateClientError): boolean {
  return error.kind === "network" || (error.status !== undefined && (error.status >= 500 || error.status === 429));
}

type Snapshot = Omit<SubscriptionState, "refresh">;

/**
 * Asks the app's status route whether the signed-in user has access, and polls it on the page
 * Stripe returns to (`sessionId`). Requests are aborted when the component unmounts; no state is
 * updated after that.
 *
 * @example
 * function Plan() {
 *   const { status, data, refresh } = useSubscription();
 *   if (status === "loading") return <p>Loading…</p>;
 *   if (status === "error") return <button onClick={refresh}>Retry</button>;
 *   return <p>{data?.hasAccess ? `Plan: ${data.status}` : "Free plan"}</p>;
 * }
 */
export function useSubscription(options: UseSubscriptionOptions = {}): SubscriptionState {
  const statusUrl = options.statusUrl ?? DEFAULT_STATUS_URL;
  const email = options.email ?? null;
  const sessionId = options.sessionId ?? null;
  const enabled = options.enabled ?? true;
  const onError = useLatest(options.onError);
  const [generation, setGeneration] = useState(0);
  const [snapshot, setSnapshot] = useState<Snapshot>(() => ({
    status: "loading",
    data: null,
    error: null,
    finalizing: enabled && sessionId !== null,
  }));
  // The session id whose finalizing is over: a refresh then asks for the ordinary status.
  const finalized = useRef<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` is the trigger `refresh` bumps.
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const { signal } = controller;
    const finalizing = sessionId !== null && finalized.current !== sessionId;
    setSnapshot((previous) =>
      previous.status === "loading" && previous.finalizing === finalizing && previous.error === null
        ? previous
        : { status: "loading", data: previous.data, error: null, finalizing },
    );
    const fail = (error: TollgateClientError, data: SubscriptionStatusBody | null) => {
      setSnapshot({ status: "error", data, error, finalizing: false });
      onError.current?.(error);
    };

    async function ordinary() {
      const outcome = await askStatus(withQuery(statusUrl, { email }), signal);
      if (signal.aborted) return;
      if ("data" in outcome) setSnapshot({ status: "ready", data: outcome.data, error: null, finalizing: false });
      else fail(outcome.error, null);
    }

    async function finalize(id: string) {
      const url = withQuery(statusUrl, { email, session_id: id });
      const started = Date.now();
      let sent = 0;
      let last: SubscriptionStatusBody | null = null;
      let lastError: TollgateClientError | null = null;
      for (;;) {
        const outcome = await askStatus(url, signal);
        sent++;
        if (signal.aborted) return;
        let retryAfter: number | undefined;
        if ("data" in outcome) {
          last = outcome.data;
          if (outcome.data.hasAccess) break;
        } else if (transient(outcome.error)) {
          lastError = outcome.error;
          retryAfter = outcome.retryAfter;
        } else {
          finalized.current = id;
          return fail(outcome.error, last);
        }
        const delay = nextFinalizeDelay(sent, Date.now() - started, retryAfter);
        if (delay === null) break;
        await sleep(delay, signal);
        if (signal.aborted) return;
      }
      finalized.current = id;
      if (last !== null) setSnapshot({ status: "ready", data: last, error: null, finalizing: false });
      else if (lastError !== null) fail(lastError, null);
    }

    void (finalizing && sessionId !== null ? finalize(sessionId) : ordinary());
    return () => controller.abort();
  }, [statusUrl, email, sessionId, enabled, generation, onError]);

  const refresh = useCallback(() => {
    if (sessionId !== null) finalized.current = sessionId;
    setGeneration((value) => value + 1);
  }, [sessionId]);

  // Finalizing from the first render on, before the effect has said so.
  const finalizing =
    snapshot.finalizing ||
    (enabled && snapshot.status === "loading" && sessionId !== null && finalized.current !== sessionId);
  return { ...snapshot, finalizing, refresh };
}
