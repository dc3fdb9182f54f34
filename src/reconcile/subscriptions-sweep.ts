import type Stripe from "stripe";
import { callStripe } from "../stripe/client.js";
import { type Deadline, TIMED_OUT } from "./deadline.js";
import { type Counts, count, emptyCounts, type ItemOutcome, type ReconcileProgress } from "./summary.js";

const PAGE = 100;

export interface SubscriptionsSweepInput {
  client: () => Promise<Stripe>;
  /** The id to resume after, or null to start from the newest subscription. */
  after: string | null;
  time: Deadline;
  process(subscription: { id: string; created?: number }): Promise<ItemOutcome>;
  onProgress?: (progress: ReconcileProgress) => void;
}

export interface SubscriptionsSweepResult extends Counts {
  /** The id to resume after next time; null when the walk reached the end (the next starts over). */
  after: string | null;
  done: boolean;
}

/**
 * Walks every subscription of the account (`status: "all"`, newest first, 100 a page) from the
 * cursor and processes each. The position never passes a subscription whose write failed.
 */
export async function sweepSubscriptions(input: SubscriptionsSweepInput): Promise<SubscriptionsSweepResult> {
  const counts = emptyCounts();
  let position = input.after;
  let page = input.after;
  let held = false;
  for (;;) {
    if (input.time.passed()) return { ...counts, after: position, done: false };
    const params: Stripe.SubscriptionListParams = { status: "all", limit: PAGE };
    if (page !== null) params.starting_after = page;
    const list = await input.time.race(
      callStripe("subscriptions.list", async () => (await input.client()).subscriptions.list(params)),
    );
    if (list === TIMED_OUT) return { ...counts, after: position, done: false };
    const data = (list.data ?? []) as Array<{ id: string; created?: number }>;
    for (const subscription of data) {
      if (input.time.passed()) return { ...counts, after: position, done: false };
      const outcome = await input.process(subscription);
      count(counts, outcome);
      if (outcome === "failed" || outcome === "in-flight") held = true;
      if (!held) position = subscription.id;
      report(input, counts, subscription);
    }
    const last = data.at(-1);
    if (!list.has_more || last === undefined) break;
    page = last.id;
  }
  // A walk that met a failure resumes before it; a clean one starts over next time.
  return held ? { ...counts, after: position, done: false } : { ...counts, after: null, done: true };
}

function report(input: SubscriptionsSweepInput, counts: Counts, subscription: { created?: number }): void {
  if (input.onProgress === undefined) return;
  const at = typeof subscription.created === "number" ? new Date(subscription.created * 1000) : null;
  try {
    input.onProgress({ mode: "subscriptions", ...counts, fraction: null, at });
  } catch {
    // A progress display never stops the sweep.
  }
}
