import type Stripe from "stripe";
import { callStripe } from "../stripe/client.js";
import { type Deadline, TIMED_OUT } from "./deadline.js";

/** Events Stripe returns per page (its maximum). */
const PAGE = 100;
/** Events held in memory at once: a longer backlog is taken in narrower time windows. */
export const WINDOW_CAP = 1_000;
/** Stripe's `types` filter takes at most this many names. */
const MAX_TYPES = 20;

/** One listed event as the sweep needs it (the rest of the object is passed on as received). */
export interface ListedEvent {
  id: string;
  type: string;
  created: number;
  [field: string]: unknown;
}

export interface EventWindow {
  /** Oldest first. */
  events: ListedEvent[];
  /** The window's inclusive upper bound (unix seconds). */
  to: number;
}

/**
 * Lists the events of `types` created from `from` (inclusive, unix seconds) up to `to`, oldest
 * first. Stripe lists newest first, so the whole window is read before any of it is returned; a
 * window holding more than `WINDOW_CAP` events is narrowed (halved towards `from`) and read again,
 * so memory stays bounded however long the backlog. Null if the deadline came first. A Stripe
 * failure throws 502 `UPSTREAM_ERROR`.
 */
export async function listEventWindow(
  client: () => Promise<Stripe>,
  types: ReadonlySet<string>,
  from: number,
  to: number,
  time: Deadline,
  cap = WINDOW_CAP,
): Promise<EventWindow | null> {
  let upper = to;
  for (;;) {
    const read = await readWindow(client, types, from, upper, upper > from ? cap : Number.POSITIVE_INFINITY, time);
    if (read === null) return null;
    if (!read.overflow) return { events: read.events, to: upper };
    // Everything not read yet is at or before the oldest event read so far.
    upper = from + Math.floor((Math.min(upper, read.oldest) - from) / 2);
  }
}

type Read = { overflow: false; events: ListedEvent[] } | { overflow: true; oldest: number };

async function readWindow(
  client: () => Promise<Stripe>,
  types: ReadonlySet<string>,
  from: number,
  to: number,
  cap: number,
  time: Deadline,
): Promise<Read | null> {
  const params: Stripe.EventListParams = { created: { gte: from, lte: to }, limit: PAGE };
  // More names than Stripe's filter takes: list every type and keep ours below.
  if (types.size <= MAX_TYPES) params.types = [...types];
  const newestFirst: ListedEvent[] = [];
  let listed = 0;
  let after: string | undefined;
  for (;;) {
    const page = await time.race(
      callStripe("events.list", async () =>
        (await client()).events.list(after === undefined ? params : { ...params, starting_after: after }),
      ),
    );
    if (page === TIMED_OUT) return null;
    const data = (page.data ?? []) as unknown as ListedEvent[];
    listed += data.length;
    for (const event of data) if (types.has(event.type)) newestFirst.push(event);
    const last = data.at(-1);
    if (!page.has_more || last === undefined) break;
    if (listed >= cap) return { overflow: true, oldest: last.created };
    after = last.id;
  }
  // Reversed, Stripe's order within one second is kept; the sort only guards against a list that
  // is not strictly newest first (it is stable, so ties keep that order).
  return { overflow: false, events: newestFirst.reverse().sort((a, b) => a.created - b.created) };
}
