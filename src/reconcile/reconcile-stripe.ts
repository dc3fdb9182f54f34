import { createReconcileEngine } from "./engine.js";
import type { ReconcileOptions } from "./options.js";
import {
  addCounts,
  emptyCounts,
  type ReconcileMode,
  type ReconcileProgress,
  type ReconcileSummary,
} from "./summary.js";

/** How a script run of the sweep behaves. */
export interface ReconcileRunOptions {
  /** `"events"`: replay the events since the cursor; `"subscriptions"`: write every subscription. @default "events" */
  mode?: ReconcileMode;
  /** Called after each event or subscription with the counts so far (for a progress bar or a log line). */
  onProgress?: (progress: ReconcileProgress) => void;
}

/** Times the script waits for an event a webhook delivery is still processing, and how long each time. */
const IN_FLIGHT_RETRIES = 5;
const IN_FLIGHT_WAIT_MS = 2_000;

/**
 * Runs the reconcile sweep from a script (a backfill, a recovery after a long outage): the same
 * engine, cursor and idempotency keys as `createStripeReconcileRoute`, without `authorize` and
 * without a time budget. Resolves to the summed counts with `done: true` once the sweep reached the
 * present; with `done: false` if an event kept failing (see `failed` and your logs) or a webhook
 * delivery kept one in flight. Rejects with a `TollgateError` when Stripe or the cursor store
 * cannot be reached (`UPSTREAM_ERROR`, `STORE_UNAVAILABLE`) or Stripe is not configured
 * (`CONFIGURATION_ERROR`); the cursor then keeps what earlier passes saved.
 *
 * @example
 * const summary = await reconcileStripe(
 *   { ...webhookOptions, cursor: createPostgresCursorStore(query), audit: false },
 *   { mode: "events", onProgress: (p) => process.stdout.write(`\r${Math.round((p.fraction ?? 0) * 100)}%`) },
 * );
 */
export async function reconcileStripe(
  options: ReconcileOptions,
  run: ReconcileRunOptions = {},
): Promise<ReconcileSummary> {
  const engine = createReconcileEngine(options, "reconcileStripe");
  const mode = run.mode ?? "events";
  if (mode !== "events" && mode !== "subscriptions") {
    throw new TypeError('tollgate: mode must be "events" or "subscriptions"');
  }
  if (run.onProgress !== undefined && typeof run.onProgress !== "function") {
    throw new TypeError("tollgate: onProgress must be a function");
  }
  engine.assertConfigured();
  const total = emptyCounts();
  const report = run.onProgress;
  const onProgress =
    report === undefined
      ? undefined
      : (progress: ReconcileProgress) => {
          const sum = { ...progress };
          addCounts(sum, total);
          report(sum);
        };
  for (let waits = 0; ; waits++) {
    const pass = await engine.pass(mode, { deadlineAt: null, onProgress });
    addCounts(total, pass);
    if (pass.beyondHorizon) {
      console.warn(
        "[tollgate] reconcile: the saved cursor is older than Stripe keeps events (30 days); " +
          "events before the lookback may be lost: run the subscriptions mode to repair",
      );
    }
    if (pass.done || pass.failed > 0 || waits >= IN_FLIGHT_RETRIES) {
      return { ...total, done: pass.done, cursor: pass.cursor };
    }
    // Only events held by a webhook delivery remain: give it time to finish, then look again.
    await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_WAIT_MS));
  }
}
