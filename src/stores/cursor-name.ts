/** Checks a cursor name (any non-empty string): a store keys its rows by it. */
export function cursorName(name: unknown): string {
  if (typeof name !== "string" || name === "")
    throw new TypeError("tollgate: a cursor name must be a non-empty string");
  return name;
}
