/** When a sweep must stop starting new work (ms since the epoch), or null for "run to the end". */
export interface Deadline {
  /** True once the time to start another event, subscription or page has run out. */
  passed(): boolean;
  /** Resolves to `call`'s result, or to `TIMED_OUT` if the deadline comes first. */
  race<T>(call: Promise<T>): Promise<T | typeof TIMED_OUT>;
}

export const TIMED_OUT: unique symbol = Symbol("timed out");

export function deadline(at: number | null): Deadline {
  if (at === null) return { passed: () => false, race: (call) => call };
  return {
    passed: () => Date.now() >= at,
    race<T>(call: Promise<T>) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, at - Date.now()));
      });
      // A listing abandoned at the deadline may still reject: nobody waits for it any more.
      call.catch(() => {});
      return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
    },
  };
}
