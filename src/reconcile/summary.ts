/** What a reconcile sweep walks: Stripe's events since the cursor, or every subscription. */
export type ReconcileMode = "events" | "subscriptions";

/** The counts of one reconcile call (the route's 200 body) or of a whole script run. */
export interface ReconcileSummary {
  /** Events (or subscriptions) looked at. */
  scanned: number;
  /** Processed now: tollgate's write and/or your `on` handler ran and succeeded. */
  applied: number;
  /** Already processed (their `stripe:<event id>` key was completed before), so skipped. */
  duplicates: number;
  /** Nothing to do: no user for the customer, or nobody handles the type. */
  ignored: number;
  /** Threw (adapter, handler, Stripe or store failure); retried by the next call. */
  failed: number;
  /**
   * True when the sweep reached the present with nothing failed or pending; false → call again
   * (time ran out, an event failed, or a webhook delivery was still processing one).
   */
  done: boolean;
  /** Where the next call starts: an opaque string, null before the first save. */
  cursor: string | null;
}

/** What `onProgress` receives after each event or subscription. */
export interface ReconcileProgress {
  mode: ReconcileMode;
  /** Counts so far (this run). */
  scanned: number;
  applied: number;
  duplicates: number;
  ignored: number;
  failed: number;
  /**
   * How far through the sweep, 0 to 1: by event time in `events` mode; null in `subscriptions`
   * mode, where Stripe gives no total.
   */
  fraction: number | null;
  /** When the item just looked at was created at Stripe. */
  at: Date | null;
}

/** What became of one event or subscription. */
export type ItemOutcome = "applied" | "duplicate" | "ignored" | "failed" | "in-flight";

export type Counts = Pick<ReconcileSummary, "scanned" | "applied" | "duplicates" | "ignored" | "failed">;

export function emptyCounts(): Counts {
  return { scanned: 0, applied: 0, duplicates: 0, ignored: 0, failed: 0 };
}

const FIELD: Record<ItemOutcome, keyof Counts | null> = {
  applied: "applied",
  duplicate: "duplicates",
  ignored: "ignored",
  failed: "failed",
  // Neither done nor failed: a webhook delivery holds it; the cursor waits for it.
  "in-flight": null,
};

export function count(counts: Counts, outcome: ItemOutcome): void {
  counts.scanned += 1;
  const field = FIELD[outcome];
  if (field !== null) counts[field] += 1;
}

const COUNT_KEYS = ["scanned", "applied", "duplicates", "ignored", "failed"] as const;

export function addCounts(total: Counts, more: Counts): void {
  for (const key of COUNT_KEYS) total[key] += more[key];
}
