/**
 * A value built on first use, then kept. tollgate's zod schemas are built this way: zod builds each
 * schema eagerly, at a cost of 0.1–1 ms apiece on a cold start, and most of them only ever run for a
 * body the hand-written checks refuse, so a route that never sees one never pays for them.
 *
 * @example
 * const envelope = lazy(() => z.looseObject({ id: z.string() }));
 * envelope().safeParse(value);
 */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
