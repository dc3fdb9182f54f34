/**
 * A clock a store reads (`now`) and a conformance suite advances (`advanceTime`): the expiry cases run
 * without waiting. Spread it into the suite's options and pass `now` to the store.
 */
export function manualClock() {
  let now = Date.now();
  return {
    now: () => now,
    advanceTime: (ms: number) => {
      now += ms;
    },
  };
}
