import { TollgateError } from "../http/errors.js";

// Control characters, any whitespace, and backslashes (which browsers treat as "/").
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\s\\\p{Cf}]/u;
const RELATIVE_BASE = "http://tollgate.invalid";

function refuse(): never {
  throw new TollgateError("VALIDATION_ERROR", {
    details: { callbackUrl: ["The callback URL must be a path on this site or a URL on an allowed origin."] },
  });
}

/** Decodes percent-escapes until nothing changes (at most a few rounds), as layers of decoders would. */
function decodeFully(text: string): string {
  let current = text;
  for (let round = 0; round < 5; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/**
 * True when the path (before `?` or `#`), decoded as many times as it takes, has a `..` segment,
 * or anything the once-decoded check would refuse: a browser resolves `%2e%2e`, `.%2e` and `%2e.`
 * as `..`, and an app that decodes the parameter again turns `%252e%252e` into one.
 */
function hasHiddenTraversal(decoded: string): boolean {
  const path = decodeFully(decoded.split(/[?#]/, 1)[0] ?? "");
  if (FORBIDDEN.test(path) || path.startsWith("//")) return true;
  return path.split("/").some((segment) => segment === "..");
}

/**
 * Judges a `callbackUrl` after decoding it once: a same-origin path (one leading `/`, not `//`) or an
 * absolute http(s) URL whose origin is in `allowedOrigins`. Refuses backslashes, control characters,
 * whitespace, Unicode format characters (`\p{Cf}`: zero-width, bidi overrides), `..` segments in
 * any encoding a browser or a second decode resolves (`%2e%2e`, `.%2e`, `%252e%252e`),
 * credentials, and every other scheme (`javascript:`, `data:`, …), which closes the open redirect. Empty, null or undefined → null (absent).
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
  if (decoded === "" || FORBIDDEN.test(decoded) || hasHiddenTraversal(decoded)) refuse();

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
