import { cancelSubscription, endTrial, renewSubscription } from "./lifecycle.js";
import type { Account, SubscriptionRecord } from "./state.js";

/** When `record` changes next on its own: its trial ends, its scheduled cancellation, or its renewal. */
function nextDue(record: SubscriptionRecord): { at: number; move: "cancel" | "trial" | "renew" } | undefined {
  if (record.status === "canceled" || record.status === "incomplete_expired") return undefined;
  const end =
    record.status === "trialing" ? (record.trial_end ?? record.current_period_end) : record.current_period_end;
  if (record.cancel_at !== null && record.cancel_at <= end) return { at: record.cancel_at, move: "cancel" };
  return { at: end, move: record.status === "trialing" ? "trial" : "renew" };
}

/**
 * Moves the clock `seconds` forward, applying on the way, in time order, what Stripe would do on its
 * own: trials end, scheduled cancellations happen, periods renew (paid, or `past_due` when payments fail).
 */
export function advanceClock(account: Account, seconds: number): void {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError("advance(seconds) needs a number ≥ 0");
  const target = account.now() + Math.floor(seconds);
  for (let guard = 0; guard < 100_000; guard++) {
    let next: { record: SubscriptionRecord; at: number; move: "cancel" | "trial" | "renew" } | undefined;
    for (const record of account.subscriptions.values()) {
      const due = nextDue(record);
      if (due && due.at <= target && (!next || due.at < next.at)) next = { record, ...due };
    }
    if (!next) break;
    account.moveClock(Math.max(0, next.at - account.now()));
    if (next.move === "cancel") cancelSubscription(account, next.record.id);
    else if (next.move === "trial") endTrial(account, next.record.id);
    else renewSubscription(account, next.record.id);
  }
  account.moveClock(target - account.now());
}
