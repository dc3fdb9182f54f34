import { assertFunction, assertObject } from "../routes/options.js";
import type { WebhookRouteOptions } from "../routes/stripe-webhook.js";
import type { CursorStore } from "../stores/types.js";
import type { StripeClientOptions } from "../stripe/client.js";

/**
 * What a reconcile sweep needs: the webhook route's options (adapter functions, `stripe`, `on`,
 * `idempotency`, `sync`, `audit`), so that the same object can be spread into both.
 */
export interface ReconcileOptions extends Omit<WebhookRouteOptions, "stripe"> {
  /**
   * How to reach Stripe: `secretKey` or `client` (required: the sweep lists events and
   * subscriptions). `webhookSecret` is accepted, so the webhook route's object fits, and unused.
   */
  stripe: StripeClientOptions & { webhookSecret?: string | string[] | undefined };
  /**
   * Where the sweep remembers how far it got (one value per mode). With the in-memory default a
   * cold start sweeps `lookbackSeconds` again (what was applied comes back as duplicates); use the
   * PostgreSQL or Redis cursor store in production.
   * @default createMemoryCursorStore()
   */
  cursor?: CursorStore;
  /**
   * On the first run, or when the saved cursor is older than Stripe keeps events (30 days): how far
   * back, in seconds, to start listing events. Older events replayed through a store that has
   * forgotten them run your `on` handlers again, so keep this within your idempotency `ttlMs`.
   * @default 259_200 (3 days: how long Stripe retries a delivery)
   */
  lookbackSeconds?: number;
  /**
   * The route stops starting new work this many milliseconds after the request arrived, saves the
   * cursor and answers (`done: false` if there is more): set it below your platform's function
   * time limit. An event already in progress is finished first. `reconcileStripe` ignores it.
   * @default 25_000
   */
  maxDurationMs?: number;
}

export const DEFAULT_LOOKBACK_SECONDS = 3 * 24 * 60 * 60;
export const DEFAULT_MAX_DURATION_MS = 25_000;
/**
 * How long the sweep's own completions answer as duplicates unless `idempotency.ttlMs` says
 * otherwise: as long as Stripe keeps events, so no sweep within the horizon applies one twice.
 */
export const RECONCILE_TTL_MS = 31 * 24 * 60 * 60 * 1000;

export interface ResolvedReconcileOptions {
  cursor: CursorStore | undefined;
  lookbackSeconds: number;
  maxDurationMs: number;
}

/** Checks the reconcile-specific options (a `TypeError` naming the bad one). */
export function resolveReconcileOptions(options: ReconcileOptions, name: string): ResolvedReconcileOptions {
  assertObject(options, `${name} options`);
  if (options.cursor !== undefined) {
    assertObject(options.cursor, "cursor");
    assertFunction(options.cursor.get, "cursor.get");
    assertFunction(options.cursor.set, "cursor.set");
  }
  return {
    cursor: options.cursor,
    lookbackSeconds: positiveInteger(options.lookbackSeconds, DEFAULT_LOOKBACK_SECONDS, "lookbackSeconds", "seconds"),
    maxDurationMs: positiveInteger(options.maxDurationMs, DEFAULT_MAX_DURATION_MS, "maxDurationMs", "milliseconds"),
  };
}

function positiveInteger(value: unknown, fallback: number, name: string, unit: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`tollgate: ${name} must be a positive whole number of ${unit}`);
  }
  return value;
}
