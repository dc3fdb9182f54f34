import type Stripe from "stripe";
import type { Deadline } from "./deadline.js";
import { type ListedEvent, listEventWindow } from "./event-window.js";
import { type Counts, count, emptyCounts, type ItemOutcome, type ReconcileProgress } from "./summary.js";

/** How long Stripe keeps events listable: a cursor older than this has lost events for good. */
export const EVENT_HORIZON_SECONDS = 30 * 24 * 60 * 60;
/**
 * The most recent seconds are listed again by the next call (as duplicates): an event may show up
 * in Stripe's list a moment after its `created` second.
 */
export const SETTLE_SECONDS = 60;

export interface EventsSweepInput {
  client: () => Promise<Stripe>;
  types: ReadonlySet<string>;
  /** The saved position (unix seconds), or null on the first run. */
  cursor: number | null;
  lookbackSeconds: number;
  time: Deadline;
  process(event: ListedEvent): Promise<ItemOutcome>;
  onProgress?: (progress: ReconcileProgress) => void;
}

export interface EventsSweepResult extends Counts {
  /** Where the next call starts (unix seconds): nothing before it is failed, pending or unread. */
  position: number;
  done: boolean;
  /** The saved cursor was older than Stripe keeps events: some may be lost (repair with `subscriptions`). */
  beyondHorizon: boolean;
}

/**
 * Lists the events since the cursor in time windows, oldest first, and processes each. The
 * position never passes an event that failed or that a webhook delivery is still processing
 * (later events are still processed: they are duplicates next time), nor one not yet reached
 * when the deadline came.
 */
export async function sweepEvents(input: EventsSweepInput): Promise<EventsSweepResult> {
  const now = Math.floor(Date.now() / 1000);
  const horizon = now - EVENT_HORIZON_SECONDS;
  const beyondHorizon = input.cursor !== null && input.cursor < horizon;
  const start = input.cursor === null || beyondHorizon ? Math.max(0, now - input.lookbackSeconds) : input.cursor;
  const counts = emptyCounts();
  let from = start;
  let span: number | null = null;
  let held: number | null = null;
  let stopped: number | null = null;
  outer: for (;;) {
    if (input.time.passed()) {
      stopped = from;
      break;
    }
    const to = span === null ? now : Math.min(now, from + span);
    const window = await listEventWindow(input.client, input.types, from, to, input.time);
    if (window === null) {
      stopped = from;
      break;
    }
    for (const event of window.events) {
      if (input.time.passed()) {
        stopped = event.created;
        break outer;
      }
      const outcome = await input.process(event);
      count(counts, outcome);
      if ((outcome === "failed" || outcome === "in-flight") && held === null) held = event.created;
      report(input, counts, event, start, now);
    }
    if (window.to >= now) break;
    // A narrowed window: the next one may be twice as long.
    span = (window.to - from + 1) * 2;
    from = window.to + 1;
  }
  const settled = Math.max(from, now - SETTLE_SECONDS);
  const position = held ?? stopped ?? settled;
  return { ...counts, position, done: held === null && stopped === null, beyondHorizon };
}

function report(input: EventsSweepInput, counts: Counts, event: ListedEvent, start: number, now: number): void {
  if (input.onProgress === undefined) return;
  const fraction = now > start ? Math.min(1, Math.max(0, (event.created - start) / (now - start))) : 1;
  try {
    input.onProgress({ mode: "events", ...counts, fraction, at: new Date(event.created * 1000) });
  } catch {
    // A progress display never stops the sweep.
  }
}
