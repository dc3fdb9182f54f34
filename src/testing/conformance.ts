/**
 * The test functions of your runner (vitest, Jest, Bun, `node:test`, …). The suites import no
 * runner themselves: pass yours.
 */
export interface ConformanceRunner {
  /** Groups the cases of one suite (vitest/Jest/Bun `describe`, `node:test` `describe`). */
  describe: (name: string, fn: () => void) => unknown;
  /** Registers one async case (`it` or `test`). */
  it: (name: string, fn: () => Promise<void>) => unknown;
  /** Used for equality checks when given (better diffs); otherwise a failed check throws an `Error`. */
  expect?: (actual: unknown, message?: string) => { toEqual(expected: unknown): void };
}

export interface ConformanceOptions<S> extends ConformanceRunner {
  /** Runs after each case with the store it used (delete its keys, close a pool, …), pass or fail. */
  cleanup?: (store: S) => unknown;
  /**
   * Lets `ms` milliseconds of the store's time pass. The default really waits, which suits any store
   * (Redis expires keys in real time); a memory store on a manual clock can advance that clock instead.
   * @default a real `setTimeout` sleep
   */
  advanceTime?: (ms: number) => unknown;
  /** The store's clock in milliseconds, for `resetAt` checks. @default Date.now */
  now?: () => number;
  /**
   * The short lease, TTL and window (ms) the expiry cases use; every store call must take well under
   * it. Raise it for a store across a slow network. Expiry cases wait about 1.5 × this.
   * @default 100
   */
  shortMs?: number;
}

/** A store for one case: a fresh one per case, or one shared (cases use their own random keys). */
export type StoreFactory<S> = () => S | Promise<S>;

/** The lease, TTL or window of cases that must not expire, in ms. */
export const LONG_MS = 60_000;
/** Concurrent calls in the concurrency cases. */
export const PARALLEL = 50;

export interface Case<S> {
  store: S;
  key: () => string;
  equal: (actual: unknown, expected: unknown, what: string) => void;
  check: (condition: boolean, what: string) => void;
  wait: (ms: number) => Promise<void>;
  now: () => number;
  short: number;
}

/** Registers one `describe` of cases; each case gets a store from `factory` and its own random keys. */
export function suite<S>(
  title: string,
  factory: StoreFactory<S>,
  options: ConformanceOptions<S>,
  cases: Record<string, (t: Case<S>) => Promise<void>>,
): void {
  const { describe, it, expect, cleanup } = options;
  if (typeof describe !== "function" || typeof it !== "function") {
    throw new TypeError("tollgate: conformance suites need the describe and it functions of your test runner");
  }
  const short = options.shortMs ?? 100;
  const advance = options.advanceTime ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const equal = (actual: unknown, expected: unknown, what: string) => {
    if (expect) return expect(actual, what).toEqual(expected);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      throw new Error(`${what}: expected ${JSON.stringify(expected)}, received ${JSON.stringify(actual)}`);
    }
  };
  const check = (condition: boolean, what: string) => {
    if (!condition) throw new Error(what);
  };
  describe(title, () => {
    for (const [name, run] of Object.entries(cases)) {
      it(name, async () => {
        const store = await factory();
        const id = crypto.randomUUID();
        let n = 0;
        const key = () => `conformance:${id}:${n++}`;
        const wait = async (ms: number) => void (await advance(ms));
        try {
          await run({ store, key, equal, check, wait, now: options.now ?? Date.now, short });
        } finally {
          await cleanup?.(store);
        }
      });
    }
  });
}

/** Past the end of a short lease, TTL or window, with room for timer jitter. */
export const expired = (short: number) => Math.ceil(short * 1.5) + 20;
