/** The value as an absolute http(s) URL, or null when it is absent, relative or of another scheme. */
export function absoluteUrl(value: unknown): URL | null {
  if (typeof value !== "string" || value === "") return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}
