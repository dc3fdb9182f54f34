import { TollgateError } from "../http/errors.js";

// Control characters, any whitespace, and backslashes (which browsers treat as "/").
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\s\\]/u;
const RELATIVE_BASE = "http://tollgate.invalid";

function refuse(): never {
  throw new TollgateError("VALIDATION_ERROR", {
    details: { callbackUrl: ["The callback URL must be a path on this site or a URL on an allowed origin."] },
  });
}

function hasDotDotSegment(path: string): boolean {
  return (
    path
      .split(/[?#]/, 1)[0]
      ?.split("/")
      .some((segment) => segment === "..") ?? false
  );
}

/**
 * Judges a `callbackUrl` after decoding it once: a same-origin path (one leading `/`, not `//`) or an
 * absolute http(s) URL whose origin is in `allowedOrigins`. Refuses backslashes, control characters,
 * whitespace, `..` segments (encoded or not), credentials, and every other scheme (`javascript:`,
 * `data:`, …), which closes the open redirect. Empty, null or undefined → null (absent).
 *
 * @returns the decoded URL to carry, or null when absent
 * @example
 * validateCallbackUrl("/dashboard?tab=billing", ["https://app.example.com"]) // "/dashboard?tab=billing"
 * validateCallbackUrl("//evil.com", ["https://app.example.com"])            // throws VALIDATION_ERROR
 */
export function validateCallbackUrl(value: unknown, allowedOrigins: readonly string[]): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string") refuse();
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    refuse();
  }
  if (decoded === "" || FORBIDDEN.test(decoded) || hasDotDotSegment(decoded)) refuse();

  if (decoded.startsWith("/")) {
    if (decoded.startsWith("//")) refuse();
    // Defence in depth: whatever the parser makes of it must stay on the placeholder origin.
    if (new URL(decoded, RELATIVE_BASE).origin !== RELATIVE_BASE) refuse();
    return decoded;
  }

  let url: URL;
  try {
    url = new URL(decoded);
  } catch {
    refuse();
  }
  const scheme = url.protocol;
  if (scheme !== "https:" && scheme !== "http:") refuse();
  // `https:evil.com` parses as https://evil.com: insist on the authority being spelled out.
  if (!decoded.toLowerCase().startsWith(`${scheme}//`)) refuse();
  if (url.username !== "" || url.password !== "") refuse();
  if (!allowedOrigins.includes(url.origin)) refuse();
  return decoded;
}

/** Appends `callbackUrl` to a success URL as an encoded query parameter, leaving `{CHECKOUT_SESSION_ID}` intact. */
export function withCallbackUrl(successUrl: string, callbackUrl: string | null): string {
  if (callbackUrl === null) return successUrl;
  const [beforeHash, hash] = splitHash(successUrl);
  const separator = beforeHash.includes("?") ? "&" : "?";
  return `${beforeHash}${separator}callbackUrl=${encodeURIComponent(callbackUrl)}${hash}`;
}

function splitHash(url: string): [string, string] {
  const index = url.indexOf("#");
  return index === -1 ? [url, ""] : [url.slice(0, index), url.slice(index)];
}
