import { signStripePayload } from "../sign.js";
import { type Random, seededRandom } from "./random.js";
import type { Account, StandInEvent } from "./state.js";

/** How the stand-in delivers its events to a webhook endpoint, and how it misbehaves doing so. */
export interface DeliveryOptions {
  /** The webhook endpoint, or several (each delivery goes to one of them, picked at random: app instances). */
  url: string | string[];
  /** The endpoint's signing secret (`whsec_…`); each delivery is signed with `signStripePayload`. */
  secret: string;
  /** Probability (0–1) that an event is never delivered. @default 0 */
  drop?: number;
  /** Probability (0–1) that an event is delivered twice. @default 0 */
  duplicate?: number;
  /** Shuffle each batch (the events one move recorded, or everything held by `pause()`). @default false */
  reorder?: boolean;
  /** Milliseconds to wait before each delivery (real timers). @default 0 */
  delayMs?: number;
  /** Deliveries in flight at once (each batch). @default 1 */
  concurrency?: number;
  /** Seed of the drop/duplicate/reorder/url choices. @default the stand-in's seed */
  seed?: number;
  /**
   * Deliveries for which this returns true fail without reaching the app, as during an outage of the
   * endpoint (outcome `"failed"`; `redeliver()` sends them again).
   */
  fail?: (event: StandInEvent) => boolean;
  /** Start paused: hold every event until `flush()` or `resume()`. @default false */
  paused?: boolean;
  /** Also deliver the events recorded before `deliverTo` was called. @default false */
  backlog?: boolean;
  /**
   * Deliver in process to this Web handler (your route, e.g. `createWebhookRoute(…)`) instead of over
   * HTTP; `url` is still the request's URL. @default over HTTP with `fetch`
   */
  handler?: (request: Request) => Promise<Response>;
}

/** One delivery of one event. */
export interface DeliveryAttempt {
  event: StandInEvent;
  /** `sent` (the app answered: see `status`), `dropped` (by `drop`), `failed` (`fail`, or the request threw). */
  outcome: "sent" | "dropped" | "failed";
  /** The app's status code (`sent` only), else null. */
  status: number | null;
  /** The app's response body (`sent` only), else null. */
  body: string | null;
  /** True for the second copy of a duplicated event. */
  duplicate: boolean;
  /** The URL it went to (null when dropped). */
  url: string | null;
}

/** A running delivery to a webhook endpoint. */
export interface Delivery {
  /** Every attempt so far, in the order they finished. */
  readonly attempts: DeliveryAttempt[];
  /** Events held (paused, or recorded and not yet sent). */
  readonly pending: number;
  /** Holds new events back until `flush()` or `resume()` (the "webhook is late" case). */
  pause(): void;
  /** Stops holding events back and delivers what was held. */
  resume(): Promise<DeliveryAttempt[]>;
  /** Delivers everything held now (paused or not) and waits for every delivery in flight; resolves with this flush's attempts. */
  flush(): Promise<DeliveryAttempt[]>;
  /** Delivers these events again (all of them by default: Stripe's "resend"), without drops or duplicates. */
  redeliver(filter?: (attempt: DeliveryAttempt) => boolean): Promise<DeliveryAttempt[]>;
  /** Stops listening to new events (deliveries in flight finish). */
  stop(): void;
}

interface Item {
  event: StandInEvent;
  duplicate: boolean;
}

function probability(value: number | undefined, name: string): number {
  const p = value ?? 0;
  if (!Number.isFinite(p) || p < 0 || p > 1) throw new RangeError(`deliverTo: ${name} must be between 0 and 1`);
  return p;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts delivering the account's events to `options.url`. */
export function startDelivery(account: Account, options: DeliveryOptions, defaultSeed: number): Delivery {
  const urls = Array.isArray(options.url) ? options.url : [options.url];
  if (urls.length === 0 || urls.some((url) => !/^https?:\/\//.test(url))) {
    throw new TypeError("deliverTo: url must be an http(s) URL or a list of them");
  }
  if (typeof options.secret !== "string" || options.secret === "") throw new TypeError("deliverTo: secret is required");
  if (options.handler !== undefined && typeof options.handler !== "function") {
    throw new TypeError("deliverTo: handler must be a function (Request) => Promise<Response>");
  }
  const drop = probability(options.drop, "drop");
  const duplicate = probability(options.duplicate, "duplicate");
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError("deliverTo: concurrency must be ≥ 1");
  const random: Random = seededRandom(options.seed ?? defaultSeed);
  const attempts: DeliveryAttempt[] = [];
  let held: StandInEvent[] = [];
  let paused = options.paused ?? false;
  let scheduled = false;
  let chain: Promise<unknown> = Promise.resolve();

  async function send(item: Item): Promise<DeliveryAttempt> {
    const { event } = item;
    const url = urls[Math.floor(random.next() * urls.length)] as string;
    const base = { event, duplicate: item.duplicate };
    if (options.fail?.(event)) return { ...base, outcome: "failed", status: null, body: null, url };
    if (options.delayMs) await sleep(options.delayMs);
    const payload = JSON.stringify(event);
    try {
      const request = new Request(url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          ...(await signStripePayload(payload, options.secret)),
        },
        body: payload,
      });
      const response = await (options.handler ?? fetch)(request);
      return { ...base, outcome: "sent", status: response.status, body: await response.text(), url };
    } catch {
      return { ...base, outcome: "failed", status: null, body: null, url };
    }
  }

  async function run(items: Item[]): Promise<DeliveryAttempt[]> {
    const done: DeliveryAttempt[] = [];
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const attempt = await send(items[next++] as Item);
        attempts.push(attempt);
        done.push(attempt);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return done;
  }

  /** Turns held events into one batch (drops, duplicates, order) and queues it behind the ones before. */
  function flushHeld(): Promise<DeliveryAttempt[]> {
    const events = held;
    held = [];
    const dropped: DeliveryAttempt[] = [];
    let items: Item[] = [];
    for (const event of events) {
      if (random.next() < drop) {
        dropped.push({ event, outcome: "dropped", status: null, body: null, duplicate: false, url: null });
        continue;
      }
      items.push({ event, duplicate: false });
      if (random.next() < duplicate) items.push({ event, duplicate: true });
    }
    if (options.reorder) items = random.shuffle(items);
    attempts.push(...dropped);
    const batch = chain.then(() => run(items)).then((sent) => [...dropped, ...sent]);
    chain = batch.catch(() => undefined);
    return batch;
  }

  const unsubscribe = account.onEvent((event) => {
    held.push(event);
    if (paused || scheduled) return;
    scheduled = true;
    // One batch per move: the events a move records synchronously are delivered together.
    queueMicrotask(() => {
      scheduled = false;
      if (!paused) void flushHeld();
    });
  });
  if (options.backlog) {
    held.push(...account.events);
    if (!paused) queueMicrotask(() => void flushHeld());
  }

  return {
    attempts,
    get pending() {
      return held.length;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      return this.flush();
    },
    async flush() {
      const batch = await flushHeld();
      await chain;
      return batch;
    },
    redeliver(filter = () => true) {
      const ids = new Set(attempts.filter(filter).map((attempt) => attempt.event.id));
      const items = [...ids].map((id) => ({
        event: (attempts.find((attempt) => attempt.event.id === id) as DeliveryAttempt).event,
        duplicate: false,
      }));
      const batch = chain.then(() => run(items));
      chain = batch.catch(() => undefined);
      return batch;
    },
    stop() {
      unsubscribe();
    },
  };
}
